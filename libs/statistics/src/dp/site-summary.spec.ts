import { cellIndex, discretise, dpLattice, dpSufficientStatistics, noisyColumnSummary, type DpPlannedQuantity } from './site-summary';
import { seededRandom } from './random';

const grid = { lower: 80, upper: 200, binWidth: 5 };
const ALL: DpPlannedQuantity[] = [
  { quantity: 'count', rho: 0.1 },
  { quantity: 'missing', rho: 0.1 },
  { quantity: 'sum', rho: 0.1 },
  { quantity: 'sumSquares', rho: 0.1 },
  { quantity: 'histogram', rho: 0.1 },
];

describe('dp lattice', () => {
  it('centres on the grid’s midpoint at binWidth/1024 with the largest |z| as bound, and the grid’s cells', () => {
    const l = dpLattice(grid);
    expect(l.center).toBe(140);
    expect(l.resolution).toBe(5 / 1024);
    expect(l.bound).toBe(12288n);
    expect(l.edges).toHaveLength(25);
    expect(l.edges[0]).toBe(80);
    expect(l.edges[24]).toBe(200);
  });

  it('discretises clamped values, rounding half away from zero', () => {
    expect(discretise(140, grid)).toBe(0n);
    expect(discretise(1000, grid)).toBe(12288n);
    expect(discretise(-1000, grid)).toBe(-12288n);
    expect(discretise(145, grid)).toBe(1024n);
    expect(discretise(140 + 2.5 / 1024, grid)).toBe(1n);
    expect(discretise(140 - 2.5 / 1024, grid)).toBe(-1n);
  });

  it('puts values in cells [lo, hi), the last closed, outliers in the end cells', () => {
    expect(cellIndex(80, grid)).toBe(0);
    expect(cellIndex(84.99, grid)).toBe(0);
    expect(cellIndex(85, grid)).toBe(1);
    expect(cellIndex(200, grid)).toBe(23);
    expect(cellIndex(999, grid)).toBe(23);
    expect(cellIndex(-5, grid)).toBe(0);
  });
});

describe('noisy site summary', () => {
  const values = [120, 135.5, null, 250, 60, 140, null, 199.9];

  it('computes the sufficient statistics of rows as the SQL would (clamped, centred, on the lattice)', () => {
    const s = dpSufficientStatistics(values, grid);
    expect(s.count).toBe(6);
    expect(s.missing).toBe(2);
    const z = [120, 135.5, 200, 80, 140, 199.9].map((v) => BigInt(Math.sign(v - 140) * Math.round((Math.abs(v - 140) * 1024) / 5)));
    expect(s.sum).toBe(z.reduce((a, b) => a + b, 0n));
    expect(s.sumSquares).toBe(z.reduce((a, b) => a + b * b, 0n));
    expect(s.cells.reduce((a, b) => a + b, 0)).toBe(6);
    expect(s.cells[0]).toBe(1);
    expect(s.cells[23]).toBe(2);
  });

  it('gives the same release from rows and from the aggregates (same random draws)', () => {
    const fromRows = noisyColumnSummary({ grid, data: values, planned: ALL, random: seededRandom(4) });
    const fromAggregates = noisyColumnSummary({ grid, data: dpSufficientStatistics(values, grid), planned: ALL, random: seededRandom(4) });
    expect(fromAggregates).toEqual(fromRows);
  });

  it('releases only the planned quantities, with σ = Δ/√(2ρ) in the column’s units, noise on every cell', () => {
    const out = noisyColumnSummary({ grid, data: values, planned: [{ quantity: 'count', rho: 0.5 }, { quantity: 'sum', rho: 0.02 }, { quantity: 'histogram', rho: 0.005 }], random: seededRandom(1) });
    expect(out.missing).toBeUndefined();
    expect(out.sumSquares).toBeUndefined();
    expect(out.count?.sd).toBeCloseTo(Math.sqrt(0.9999997888), 9); // N_Z(0, 1): just under 1
    expect(out.sum?.sd).toBeCloseTo(60 / Math.sqrt(0.04), 6); // H·r = half the range
    expect(out.histogram?.sd).toBeCloseTo(10, 12);
    expect(out.histogram?.counts).toHaveLength(24);
    // σ = 10 per cell: 22 of the 24 cells hold nothing, and nearly all of them come out non-zero.
    expect(out.histogram?.counts.filter((c) => c === 0).length).toBeLessThan(6);
    expect(out.center).toBe(140);
  });

  it('noise has the stated sd (2000 releases of the same column)', () => {
    const rng = seededRandom(9);
    const stats = dpSufficientStatistics(values, grid);
    const exactSquares = Number(stats.sumSquares) * (5 / 1024) ** 2;
    const n = 2000;
    const countErr: number[] = [];
    const squaresErr: number[] = [];
    let reported = { count: 0, squares: 0 };
    for (let i = 0; i < n; i++) {
      const out = noisyColumnSummary({ grid, data: stats, planned: [{ quantity: 'count', rho: 0.02 }, { quantity: 'sumSquares', rho: 0.5 }], random: rng });
      countErr.push((out.count?.value ?? NaN) - 6);
      squaresErr.push((out.sumSquares?.value ?? NaN) - exactSquares);
      reported = { count: out.count?.sd ?? NaN, squares: out.sumSquares?.sd ?? NaN };
    }
    const rms = (xs: number[]): number => Math.sqrt(xs.reduce((a, x) => a + x * x, 0) / xs.length);
    // The rms of 2000 normal errors is within 5·σ/√(2n) of σ.
    expect(Math.abs(rms(countErr) / reported.count - 1)).toBeLessThan(5 / Math.sqrt(2 * n));
    expect(Math.abs(rms(squaresErr) / reported.squares - 1)).toBeLessThan(5 / Math.sqrt(2 * n));
    expect(reported.squares).toBeCloseTo(60 * 60, 6);
  });

  it('refuses aggregates that clamped values cannot give, wrong cells, and a quantity planned twice', () => {
    const s = dpSufficientStatistics(values, grid);
    const run = (data: typeof s, planned = ALL): unknown => noisyColumnSummary({ grid, data, planned, random: seededRandom(1) });
    expect(() => run({ ...s, sum: 6n * 12288n + 1n })).toThrow(RangeError);
    expect(() => run({ ...s, sumSquares: 6n * 12288n * 12288n + 1n })).toThrow(RangeError);
    expect(() => run({ ...s, cells: s.cells.slice(1) })).toThrow(RangeError);
    expect(() => run({ ...s, count: 7 })).toThrow(RangeError);
    expect(() => run(s, [{ quantity: 'count', rho: 1 }, { quantity: 'count', rho: 1 }])).toThrow(RangeError);
  });
});
