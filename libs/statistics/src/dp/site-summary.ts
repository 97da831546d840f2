// A site's noisy summary of one column in dp mode. Exact values go in (rows, or the aggregates the
// site's DuckDB computed), only noisy ones come out: every released quantity gets its own discrete
// Gaussian noise calibrated to its sensitivity under adding or removing one record, and the ρ the
// plan gave it.
import { gridEdges, type ColumnGrid } from '../grid';
import { discreteGaussianSd, sampleDiscreteGaussian } from './discrete-gaussian';
import type { DpQuantity } from './plan';
import { cryptoRandom, type RandomSource } from './random';
import { sigma2ForRho } from './zcdp';

/**
 * Values are rounded to this many binary subdivisions of the grid's bin width (resolution
 * binWidth/1024) so that sums are integers, which the discrete Gaussian needs. The rounding moves
 * a value by at most binWidth/2048, far below any bin the owner agreed to release; the noise does
 * not depend on it (sensitivity and noise scale together).
 */
export const DP_RESOLUTION_BITS = 10;

/** How a column's values become integers: z = round((clamp(v) − center) / resolution), |z| ≤ bound. */
export interface DpLattice {
  /** The grid's midpoint: sums are taken around it, which halves the sum's sensitivity against sums from `lower`. */
  center: number;
  /** binWidth / 2^DP_RESOLUTION_BITS. */
  resolution: number;
  /** ⌈(upper − lower) / (2·resolution)⌉: the largest |z|, the sum's sensitivity (its square, the sum of squares'). */
  bound: bigint;
  /** The grid's cell edges from lower to (at least) upper: the histogram's cells. */
  edges: number[];
}

/** The lattice of a declared grid. */
export function dpLattice(grid: ColumnGrid): DpLattice {
  const resolution = grid.binWidth / 2 ** DP_RESOLUTION_BITS;
  const center = (grid.lower + grid.upper) / 2;
  const bound = BigInt(Math.ceil((grid.upper - grid.lower) / (2 * resolution)));
  return { center, resolution, bound, edges: gridEdges(grid) };
}

/** A value clamped to the grid's bounds. */
export function clampToGrid(value: number, grid: ColumnGrid): number {
  return Math.min(grid.upper, Math.max(grid.lower, value));
}

/** z of a value: clamped, centred, rounded to the lattice (half away from zero, as DuckDB's ROUND), held within ±bound. */
export function discretise(value: number, grid: ColumnGrid, lattice: DpLattice = dpLattice(grid)): bigint {
  const x = (clampToGrid(value, grid) - lattice.center) / lattice.resolution;
  const z = BigInt(Math.sign(x) * Math.round(Math.abs(x)));
  return z > lattice.bound ? lattice.bound : z < -lattice.bound ? -lattice.bound : z;
}

/** The histogram cell of a value: clamped, then the j with edges[j] ≤ v < edges[j+1] (the last cell closed). */
export function cellIndex(value: number, grid: ColumnGrid, lattice: DpLattice = dpLattice(grid)): number {
  const v = clampToGrid(value, grid);
  const { edges } = lattice;
  const cells = edges.length - 1;
  // A first guess by division, corrected against the edges themselves (which are what the SQL compares with).
  let j = Math.min(cells - 1, Math.max(0, Math.floor((v - grid.lower) / grid.binWidth)));
  while (j > 0 && v < (edges[j] ?? -Infinity)) j--;
  while (j < cells - 1 && v >= (edges[j + 1] ?? Infinity)) j++;
  return j;
}

/**
 * The exact aggregates a site computes for one column, before noise. A site with DuckDB computes
 * them in SQL instead of passing rows ({@link dpAggregateSql} writes the expressions,
 * dpAggregatesFromRow reads them back), with c = lattice.center, r = lattice.resolution,
 * H = lattice.bound, lo/hi = grid.lower/upper, x = LEAST(hi, GREATEST(lo, v)) and
 * z = LEAST(H, GREATEST(−H, ROUND((x − c) / r))), over non-null v only:
 * - count      = COUNT(v)                                  (non-null values)
 * - missing    = COUNT(*) − COUNT(v)
 * - sum        = Σ z                                       (as HUGEINT: exact)
 * - sumSquares = Σ z²
 * - cells[j]   = number of non-null v with edges[j] ≤ x < edges[j+1] (the first cell open below, the
 *                last closed), one entry per cell of lattice.edges, zeros included.
 */
export interface DpSufficientStatistics {
  count: number;
  missing: number;
  sum: bigint;
  sumSquares: bigint;
  cells: number[];
}

/** The sufficient statistics of a column given as values (null or NaN for missing). */
export function dpSufficientStatistics(values: readonly (number | null)[], grid: ColumnGrid): DpSufficientStatistics {
  const lattice = dpLattice(grid);
  const cells = new Array<number>(lattice.edges.length - 1).fill(0);
  let count = 0;
  let missing = 0;
  let sum = 0n;
  let sumSquares = 0n;
  for (const v of values) {
    if (v === null || Number.isNaN(v)) {
      missing++;
      continue;
    }
    count++;
    const z = discretise(v, grid, lattice);
    sum += z;
    sumSquares += z * z;
    const j = cellIndex(v, grid, lattice);
    cells[j] = (cells[j] ?? 0) + 1;
  }
  return { count, missing, sum, sumSquares, cells };
}

/** A noisy number and the standard deviation of its noise (in the column's units). */
export interface NoisyValue {
  value: number;
  sd: number;
}

/** A quantity to release and the ρ the plan gave it. */
export interface DpPlannedQuantity {
  quantity: DpQuantity;
  rho: number;
}

/**
 * A site's dp release of one column: only the planned quantities, each noisy. `sum` and
 * `sumSquares` are of the clamped values centred on `center` — Σ(v − center) and Σ(v − center)² —
 * in the column's units; pooling puts the centre back. Noise sd is the discrete Gaussian's own
 * ({@link discreteGaussianSd}: below σ for σ² < 4, σ above).
 */
export interface DpNoisyColumn {
  grid: ColumnGrid;
  center: number;
  resolution: number;
  count?: NoisyValue;
  missing?: NoisyValue;
  sum?: NoisyValue;
  sumSquares?: NoisyValue;
  /** Every cell of the declared grid, empty ones too, each with independent noise of sd `sd`. */
  histogram?: { edges: number[]; counts: number[]; sd: number };
}

/** What a site needs to release one column in dp mode. */
export interface DpSiteColumnInput {
  grid: ColumnGrid;
  /** Rows (null for missing) or the aggregates of {@link DpSufficientStatistics}. */
  data: readonly (number | null)[] | DpSufficientStatistics;
  /** The plan's items for this column. */
  planned: readonly DpPlannedQuantity[];
  /** Production: omit (node:crypto). Tests and simulations: a seeded source. */
  random?: RandomSource;
}

function checkAggregates(s: DpSufficientStatistics, lattice: DpLattice): void {
  const n = BigInt(s.count);
  const h = lattice.bound;
  const cellTotal = s.cells.reduce((a, c) => a + c, 0);
  // The noise is calibrated to |z| ≤ H: aggregates outside what such z can give would mean the
  // site's query did not clamp, and noise on them would not hide one record.
  if (!Number.isSafeInteger(s.count) || !Number.isSafeInteger(s.missing) || s.count < 0 || s.missing < 0) throw new RangeError('count and missing must be non-negative integers');
  if (s.sum > n * h || s.sum < -n * h || s.sumSquares < 0n || s.sumSquares > n * h * h) throw new RangeError('sums outside what clamped values can give');
  if (s.cells.length !== lattice.edges.length - 1 || s.cells.some((c) => !Number.isSafeInteger(c) || c < 0) || cellTotal !== s.count) throw new RangeError('cells must be one non-negative count per grid cell, adding up to the count');
}

/** One noisy integer: exact + N_Z(0, Δ²/(2ρ)), and the sd of that noise. */
function noisy(exact: bigint, sensitivity: bigint, rho: number, random: RandomSource): { value: bigint; sigma: number } {
  const sigma2 = sigma2ForRho(sensitivity, rho);
  return { value: exact + sampleDiscreteGaussian(sigma2, random), sigma: discreteGaussianSd(sigma2) };
}

/**
 * The noisy release of one column. Sensitivities under adding or removing one record: count and
 * missing 1, sum H, sum of squares H², the histogram's cells 1 in L2 (one record is in one cell).
 * A quantity planned twice is refused (it would spend twice what its noise is calibrated to).
 */
export function noisyColumnSummary(input: DpSiteColumnInput): DpNoisyColumn {
  const { grid, planned } = input;
  const random = input.random ?? cryptoRandom;
  const lattice = dpLattice(grid);
  const stats = Array.isArray(input.data) ? dpSufficientStatistics(input.data as readonly (number | null)[], grid) : (input.data as DpSufficientStatistics);
  checkAggregates(stats, lattice);
  const seen = new Set<DpQuantity>();
  const out: DpNoisyColumn = { grid: { ...grid }, center: lattice.center, resolution: lattice.resolution };
  const r = lattice.resolution;
  for (const { quantity, rho } of planned) {
    if (seen.has(quantity)) throw new RangeError(`quantity ${quantity} planned twice`);
    seen.add(quantity);
    switch (quantity) {
      case 'count':
      case 'missing': {
        const n = noisy(BigInt(stats[quantity]), 1n, rho, random);
        out[quantity] = { value: Number(n.value), sd: n.sigma };
        break;
      }
      case 'sum': {
        const n = noisy(stats.sum, lattice.bound, rho, random);
        out.sum = { value: Number(n.value) * r, sd: n.sigma * r };
        break;
      }
      case 'sumSquares': {
        const n = noisy(stats.sumSquares, lattice.bound * lattice.bound, rho, random);
        out.sumSquares = { value: Number(n.value) * r * r, sd: n.sigma * r * r };
        break;
      }
      case 'histogram': {
        const sigma2 = sigma2ForRho(1n, rho);
        const counts = stats.cells.map((c) => Number(BigInt(c) + sampleDiscreteGaussian(sigma2, random)));
        out.histogram = { edges: [...lattice.edges], counts, sd: discreteGaussianSd(sigma2) };
        break;
      }
    }
  }
  return out;
}
