import { interpolate } from '../pooling';
import { DpWithholdCode, poolDpColumn, Z95, type DpPooledColumn } from './pool';
import { seededRandom, type RandomSource } from './random';
import { dpSufficientStatistics, noisyColumnSummary, type DpNoisyColumn, type DpPlannedQuantity } from './site-summary';
import { syntheticReadings } from './testing';
import type { ColumnGrid } from '../grid';

const A: ColumnGrid = { lower: 80, upper: 200, binWidth: 5 };
const B: ColumnGrid = { lower: 90, upper: 210, binWidth: 10 };
const quantities = (rho: number, ...qs: DpPlannedQuantity['quantity'][]): DpPlannedQuantity[] => qs.map((quantity) => ({ quantity, rho }));
// At ρ = 10^12 every σ is below 10^-4: the discrete Gaussian is 0 with probability 1 − e^(−10^7), so releases are exact.
const EXACT = 1e12;

function sites(rng: RandomSource): { grid: ColumnGrid; values: number[] }[] {
  return [
    { grid: A, values: syntheticReadings(rng, 300, 128, 15, 95, 195) },
    { grid: B, values: syntheticReadings(rng, 500, 135, 20, 95, 195) },
    { grid: A, values: syntheticReadings(rng, 200, 140, 12, 95, 195) },
  ];
}

function release(data: { grid: ColumnGrid; values: number[] }[], planned: DpPlannedQuantity[], rng: RandomSource): DpNoisyColumn[] {
  return data.map((s) => noisyColumnSummary({ grid: s.grid, data: dpSufficientStatistics(s.values, s.grid), planned, random: rng }));
}

function moments(values: number[]): { n: number; sum: number; mean: number; variance: number } {
  const n = values.length;
  const sum = values.reduce((a, v) => a + v, 0);
  const mean = sum / n;
  return { n, sum, mean, variance: values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) };
}

describe('pooling dp summaries', () => {
  const data = sites(seededRandom(21));
  const all = data.flatMap((s) => s.values);
  const truth = moments(all);

  it('with noise negligible, gives the exact pooled count, sum, mean, variance and SD across grids with different centres', () => {
    const parts = release(data, quantities(EXACT, 'count', 'missing', 'sum', 'sumSquares'), seededRandom(1));
    const out = poolDpColumn(parts, { statistics: ['count', 'missing', 'sum', 'mean', 'variance', 'sd'] });
    expect(out.count?.value).toBe(1000);
    expect(out.missing?.value).toBe(0);
    // Values sit on a 0.1 lattice, the dp lattice is binWidth/1024: rounding moves each by < 0.005.
    expect(Math.abs((out.sum?.value ?? NaN) - truth.sum)).toBeLessThan(1000 * 0.005);
    expect(Math.abs((out.mean?.value ?? NaN) - truth.mean)).toBeLessThan(0.005);
    expect((out.variance?.value ?? NaN) / truth.variance).toBeCloseTo(1, 3);
    expect((out.sd?.value ?? NaN) / Math.sqrt(truth.variance)).toBeCloseTo(1, 3);
    expect(out.mean?.sd).toBeLessThan(1e-6);
    expect(out.withheld).toBeUndefined();
  });

  it('states a noise sd that matches the spread over 400 repeated releases (mean, variance, SD, count), and its 95 % interval is value ± 1.96 sd', () => {
    const rng = seededRandom(2);
    const planned = quantities(0.05, 'count', 'sum', 'sumSquares');
    const reps = 400;
    const runs: DpPooledColumn[] = [];
    for (let i = 0; i < reps; i++) runs.push(poolDpColumn(release(data, planned, rng), { statistics: ['count', 'mean', 'variance', 'sd'] }));
    const exact = poolDpColumn(release(data, quantities(EXACT, 'count', 'sum', 'sumSquares'), rng), { statistics: ['count', 'mean', 'variance', 'sd'] });
    for (const key of ['count', 'mean', 'variance', 'sd'] as const) {
      const errors = runs.map((r) => (r[key]?.value ?? NaN) - (exact[key]?.value ?? NaN));
      const rms = Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / reps);
      const stated = runs.reduce((a, r) => a + (r[key]?.sd ?? NaN), 0) / reps;
      // 5 standard errors of an rms over 400 draws is 18 %; the delta method's linearisation adds little at n = 1000.
      expect(Math.abs(rms / stated - 1)).toBeLessThan(0.2);
    }
    const m = runs[0]?.mean;
    expect(m?.interval[0]).toBeCloseTo((m?.value ?? NaN) - Z95 * (m?.sd ?? NaN), 10);
    expect(m?.interval[1]).toBeCloseTo((m?.value ?? NaN) + Z95 * (m?.sd ?? NaN), 10);
  });

  it('withholds derived numbers when the noisy count is below max(minCount, 5 noise sd), still releasing the count', () => {
    const small = [{ grid: A, values: [120, 130, 140] }];
    const out = poolDpColumn(release(small, quantities(0.5, 'count', 'sum', 'sumSquares'), seededRandom(3)), { statistics: ['count', 'mean', 'sd'] });
    expect(out.count).toBeDefined();
    expect(out.mean).toBeUndefined();
    expect(out.withheld?.['mean']?.code).toBe(DpWithholdCode.NOISY_COUNT_TOO_SMALL);
    expect(out.withheld?.['sd']?.code).toBe(DpWithholdCode.NOISY_COUNT_TOO_SMALL);
    // The floor follows the noise: 1000 records at a tiny ρ (count sd 71) are still released; at ρ = 1e-6 (sd 707) not.
    const big = poolDpColumn(release(data, quantities(1e-4, 'count', 'sum'), seededRandom(4)), { statistics: ['mean'] });
    expect(big.mean).toBeDefined();
    const drowned = poolDpColumn(release(data, quantities(1e-6, 'count', 'sum'), seededRandom(4)), { statistics: ['mean'] });
    expect(drowned.withheld?.['mean']?.code).toBe(DpWithholdCode.NOISY_COUNT_TOO_SMALL);
  });

  it('withholds the SD when the noisy variance is within 1.96 noise sd of 0, and otherwise gives it the square root of the variance interval', () => {
    // 2,000 readings of one value (variance 0) with a generous count/sum budget and a small one for the
    // sum of squares: the noisy variance straddles 0 in roughly half the releases. The old rule stated
    // an SD of 0 with sd √sdV there (or sdV/2s for a tiny positive s), an interval that excludes the truth.
    const flat = [{ grid: A, values: Array.from({ length: 2000 }, () => 140) }];
    const planned = [...quantities(1, 'count', 'sum'), ...quantities(0.05, 'sumSquares')];
    const rng = seededRandom(8);
    let withheld = 0;
    for (let i = 0; i < 200; i++) {
      const out = poolDpColumn(release(flat, planned, rng), { statistics: ['count', 'variance', 'sd'] });
      const v = out.variance;
      if (v === undefined) throw new Error('variance not released');
      if (v.interval[0] <= 0) {
        withheld++;
        expect(out.sd).toBeUndefined();
        expect(out.withheld?.['sd']?.code).toBe(DpWithholdCode.VARIANCE_TOO_NOISY);
      } else {
        expect(out.sd?.interval[0]).toBeCloseTo(Math.sqrt(v.interval[0]), 9);
        expect(out.sd?.interval[1]).toBeCloseTo(Math.sqrt(v.interval[1]), 9);
      }
    }
    expect(withheld).toBeGreaterThan(100);
    // With real spread the SD is released (the coverage spec checks its interval over 1,000 analyses).
    const spread = poolDpColumn(release(data, planned, seededRandom(9)), { statistics: ['sd'] });
    expect(spread.sd).toBeDefined();
  });

  it('withholds what a site did not release', () => {
    const parts = release(data, quantities(1, 'count', 'sum'), seededRandom(5));
    const out = poolDpColumn(parts, { statistics: ['missing', 'variance', 'histogram'] });
    expect(out.withheld?.['missing']?.code).toBe(DpWithholdCode.QUANTITY_MISSING);
    expect(out.withheld?.['variance']?.code).toBe(DpWithholdCode.QUANTITY_MISSING);
    expect(out.withheld?.['histogram']?.code).toBe(DpWithholdCode.QUANTITY_MISSING);
  });

  it('pools histograms on the edges the grids share (cells of one grid outside them below/above) and reads quantiles off them', () => {
    const parts = release(data, quantities(EXACT, 'histogram'), seededRandom(6));
    const out = poolDpColumn(parts, { statistics: ['histogram', 'quantiles'], probabilities: [0.25, 0.5, 0.9] });
    const h = out.histogram;
    expect(h?.edges[0]).toBe(90);
    expect(h?.edges[h.edges.length - 1]).toBe(200);
    expect(h?.edges).toHaveLength(12);
    const expected = h?.edges.slice(1).map((hi, j) => all.filter((v) => v >= (h.edges[j] ?? NaN) && (hi === 200 ? v <= hi : v < hi)).length);
    expect(h?.counts).toEqual(expected);
    // Site B's grid runs to 210 (its last cell [200, 210] holds nothing here), site A's starts at 80.
    expect(h?.below.value).toBe(0);
    expect(h?.above.value).toBe(0);
    expect(h?.below.sd).toBeLessThan(1e-6);
    for (const q of out.quantiles ?? []) {
      const reference = h === undefined ? undefined : interpolate({ edges: h.edges, counts: h.counts, below: 0, above: 0 }, q.p);
      expect(q.estimate.value).toBeCloseTo(reference?.value ?? NaN, 9);
    }
    expect(out.quantiles).toHaveLength(3);
  });

  it('gives quantiles a noise sd that matches their spread over 300 releases', () => {
    const rng = seededRandom(7);
    const planned = quantities(0.01, 'histogram');
    const exact = poolDpColumn(release(data, quantities(EXACT, 'histogram'), rng), { statistics: ['quantiles'], probabilities: [0.5] }).quantiles?.[0]?.estimate.value ?? NaN;
    const runs = Array.from({ length: 300 }, () => poolDpColumn(release(data, planned, rng), { statistics: ['quantiles'], probabilities: [0.5] }).quantiles?.[0]?.estimate);
    const rms = Math.sqrt(runs.reduce((a, r) => a + ((r?.value ?? NaN) - exact) ** 2, 0) / runs.length);
    const stated = runs.reduce((a, r) => a + (r?.sd ?? NaN), 0) / runs.length;
    expect(Math.abs(rms / stated - 1)).toBeLessThan(0.25);
  });
});
