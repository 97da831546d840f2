// The histogram grid a data owner declares per numeric column: histograms are answered only on it.
// Free bin edges let a researcher narrow a bin around one record analysis after analysis (four
// analyses with edges 100× finer each located a column's highest value to 1e-5). On the grid a
// cell — blank, empty or counted — locates a record no more finely than one grid step, which is
// the resolution the owner agreed to release.
import { LedgerLimits } from '@phdmf/contracts';
import type { BinnedCounts } from './histogram';

/** A numeric column's declaration: plausible bounds and the finest bin width released. */
export interface ColumnGrid {
  lower: number;
  upper: number;
  binWidth: number;
}

/**
 * Why a declaration is unusable, or undefined: the chaincode's rule for `columnGrids`, checked
 * before a release so the owner hears it at upload (the chaincode checks again; LedgerLimits mirrors
 * its limit, held equal by a test in apps/ledger).
 */
export function gridProblem(g: ColumnGrid): string | undefined {
  if (![g.lower, g.upper, g.binWidth].every(Number.isFinite)) return 'bounds and bin width must be finite numbers';
  if (!(g.binWidth > 0)) return 'the bin width must be positive';
  if (!(g.upper > g.lower)) return 'the upper bound must be above the lower bound';
  if ((g.upper - g.lower) / g.binWidth > LedgerLimits.gridCells) return `more than ${LedgerLimits.gridCells} bins between the bounds`;
  return undefined;
}

// Grid points are computed, not accumulated, and cut to 12 significant digits, so that the same
// point comes out as the same double at every site (pooling compares edges exactly).
function point(g: ColumnGrid, k: number): number {
  return Number((g.lower + k * g.binWidth).toPrecision(12));
}

/**
 * Requested edges rounded out to the grid (the points lower + k·binWidth, k any integer): the first
 * down, the last up, inner ones to the nearest grid point; edges that meet are merged. The grid goes
 * on past the bounds, so that sites whose grids share points (widths 2 and 5 share every 10) still
 * share edges beyond one site's range; cells there are empty unless a later version's data fall in them.
 */
export function edgesOnGrid(edges: readonly number[], g: ColumnGrid): number[] {
  const last = edges.length - 1;
  const ks = edges.map((e, i) => {
    const x = (e - g.lower) / g.binWidth;
    return i === 0 ? Math.floor(x + 1e-9) : i === last ? Math.ceil(x - 1e-9) : Math.round(x);
  });
  const distinct = [...new Set(ks)].sort((a, b) => a - b);
  const [only] = distinct;
  if (distinct.length < 2 && only !== undefined) distinct.push(only + 1);
  return distinct.map((k) => point(g, k));
}

/**
 * Every grid point from lower up to the first at or above upper: the cells of the whole declared
 * range (a dp histogram releases all of them, empty ones too).
 */
export function gridEdges(g: ColumnGrid): number[] {
  const cells = Math.max(1, Math.ceil((g.upper - g.lower) / g.binWidth - 1e-9));
  return Array.from({ length: cells + 1 }, (_, k) => point(g, k));
}

/**
 * A default declaration from the data's own range: 10 bins of a 1-2-5 width, bounds rounded out
 * to it. Coarse on purpose (the owner may declare finer): what nobody declared is not released finely.
 */
export function defaultGrid(min: number, max: number): ColumnGrid {
  const span = max > min ? max - min : Math.max(Math.abs(min), 1);
  const raw = span / 10;
  const decade = 10 ** Math.floor(Math.log10(raw));
  const binWidth = Number(([1, 2, 5, 10].map((m) => m * decade).find((w) => w >= raw * (1 - 1e-12)) ?? 10 * decade).toPrecision(12));
  const lower = Number((Math.floor(min / binWidth + 1e-9) * binWidth).toPrecision(12));
  let upper = Number((Math.ceil(max / binWidth - 1e-9) * binWidth).toPrecision(12));
  if (upper <= lower) upper = Number((lower + binWidth).toPrecision(12));
  return { lower, upper, binWidth };
}

/** The edges every histogram has: where sites' grids differ, pooling happens on these. */
export function commonEdges(parts: readonly BinnedCounts[]): number[] {
  const [first, ...rest] = parts;
  if (first === undefined) return [];
  return first.edges.filter((e) => rest.every((p) => p.edges.includes(e)));
}

/**
 * A histogram merged onto coarser edges taken from its own (cells outside them go below or
 * above). A merged cell is unknown (null) if any of its parts is. The last bin of the coarse
 * histogram is closed only as far as the original's was: a value exactly on a coarser last edge
 * that is not the original's last edge counts above it.
 */
export function rebin(h: BinnedCounts, edges: readonly number[]): BinnedCounts {
  const add = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a + b);
  const first = edges[0];
  const last = edges[edges.length - 1];
  if (first === undefined || last === undefined || edges.some((e) => !h.edges.includes(e))) throw new Error('the coarse edges must be edges of the histogram');
  let below = h.below;
  let above = h.above;
  const counts: (number | null)[] = edges.slice(1).map(() => 0);
  h.counts.forEach((n, i) => {
    const lo = h.edges[i] ?? NaN;
    if (lo < first) below = add(below, n);
    else if (lo >= last) above = add(above, n);
    else {
      const j = edges.findIndex((e, k) => k < edges.length - 1 && lo >= e && lo < (edges[k + 1] ?? Infinity));
      // `counts[j]` may be null (unknown) already; only a missing index means "nothing yet".
      const sofar = counts[j];
      counts[j] = add(sofar === undefined ? 0 : sofar, n);
    }
  });
  return { edges: [...edges], counts, below, above };
}
