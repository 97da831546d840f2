// Pooling of per-site column summaries into one released column, with disclosure control at the
// pool. Every number that leaves the aggregation service is built here, so the pool's threshold
// cannot be forgotten by one code path: a group resting on fewer than `minCount` records, or
// built from a value a site withheld, is withheld with a reason, never released.
// The column shapes are the wire contracts' (`StorageSummarize.ColumnSummary` in, `AnalysisColumn`
// out), so what is pooled here is what the sites sent and what the researcher receives.
import { LEDGER_STATISTICS, LEDGER_SUMMARY_STATISTICS, type AnalysisColumn, type AnalysisQuantile, type LedgerStatistic, type StorageSummarize, type Withholding } from '@phdmf/contracts';
import { commonEdges, rebin } from './grid';
import { CellBlank, poolHistograms, suppressHistogram, type BinnedCounts } from './histogram';
import { poolMoments, type Moments } from './moments';

/** Codes of numbers withheld at the pool (a site's own codes, `DISCLOSURE.*`, pass through). */
export const PoolWithholdCode = {
  /** The pooled group rests on fewer records than the pool threshold. */
  BELOW_THRESHOLD: 'DISCLOSURE.POOL_BELOW_THRESHOLD',
  /** A site suppressed the column (or cell) this group would be built from. */
  SITE_SUPPRESSED: 'DISCLOSURE.SITE_SUPPRESSED',
  /** A site did not release a value this statistic needs (its reason is quoted). */
  SITE_WITHHELD: 'DISCLOSURE.SITE_WITHHELD',
  /** The sites' declared grids share fewer than two edges: their histograms have no common bins. */
  GRIDS_DISJOINT: 'DISCLOSURE.GRIDS_DISJOINT',
} as const;

/** A site's column, labelled with the site (node id) for the reasons given. */
export interface SitePart {
  site: string;
  column: StorageSummarize.ColumnSummary;
}

/** What to release of a column, and the pool's threshold. */
export interface PoolRequest {
  statistics: readonly LedgerStatistic[];
  /** Quantile probabilities asked for (with `quantiles`). */
  probabilities?: readonly number[];
  /** No released group rests on fewer records than this. */
  minCount: number;
}

/**
 * The statistics each site must be asked for so that `asked` can be pooled: the count always (the
 * pool's threshold is checked on it, and means pool weighted by it), the mean with variance and
 * SD (Chan et al. combine count, mean and m2). Returned in the ledger's order, without repeats.
 */
export function statisticsNeededFromSites(asked: readonly LedgerStatistic[]): LedgerStatistic[] {
  const needed = new Set<LedgerStatistic>(asked);
  // A model (table, correlation, GLM) is computed from nothing else a grant names.
  const summaries: readonly LedgerStatistic[] = LEDGER_SUMMARY_STATISTICS;
  if (asked.some((s) => summaries.includes(s))) needed.add('count');
  if (asked.includes('variance') || asked.includes('sd')) needed.add('mean');
  return LEDGER_STATISTICS.filter((s) => needed.has(s));
}

function sitesOf(parts: readonly SitePart[]): string {
  return parts.map((p) => p.site).join(', ');
}

/** The first site reason why `statistic` is missing, if a site gave one. */
function siteReason(parts: readonly SitePart[], statistic: string): Withholding {
  for (const part of parts) {
    const w = part.column.withheld?.[statistic];
    if (w !== undefined) return { code: w.code, reason: `site ${part.site}: ${w.reason}` };
  }
  const lacking = parts.filter((p) => p.column.withheld?.[statistic] === undefined);
  return { code: PoolWithholdCode.SITE_WITHHELD, reason: `site ${sitesOf(lacking)} released no ${statistic} for this column` };
}

function allHave(parts: readonly SitePart[], key: keyof StorageSummarize.ColumnSummary): boolean {
  return parts.every((p) => typeof p.column[key] === 'number');
}

/**
 * Pools one column over its sites (one part per site). With one part it is that site's column
 * under the pool's threshold: the per-site breakdown uses it so.
 */
export function poolColumn(name: string, parts: readonly SitePart[], request: PoolRequest): AnalysisColumn {
  if (parts.length === 0) throw new Error('no site summaries to pool');
  const type = parts[0]?.column.type;
  const out: AnalysisColumn = { name, ...(type !== undefined ? { type } : {}) };
  const suppressedAt = parts.filter((p) => p.column.suppressed !== undefined);
  if (suppressedAt.length > 0) {
    // Pooling the other sites alone would present a number as the pool that is not; and their
    // count would no longer hide the suppressed site's.
    const first = suppressedAt[0]?.column.suppressed;
    out.suppressed = { code: PoolWithholdCode.SITE_SUPPRESSED, reason: `suppressed at site ${sitesOf(suppressedAt)}${first ? ` (${first.reason})` : ''}` };
    return out;
  }
  if (!allHave(parts, 'count')) {
    const lacking = parts.filter((p) => typeof p.column.count !== 'number');
    out.suppressed = { code: PoolWithholdCode.SITE_WITHHELD, reason: `site ${sitesOf(lacking)} released no count, so the pool's threshold cannot be checked` };
    return out;
  }
  const count = parts.reduce((n, p) => n + (p.column.count ?? 0), 0);
  if (count < request.minCount) {
    out.suppressed = { code: PoolWithholdCode.BELOW_THRESHOLD, reason: `the column has fewer than ${request.minCount} non-missing values` };
    return out;
  }

  const has = (s: LedgerStatistic) => request.statistics.includes(s);
  const withheld: Record<string, Withholding> = {};
  if (has('count')) out.count = count;
  if (has('missing')) {
    if (allHave(parts, 'missing')) out.missing = parts.reduce((n, p) => n + (p.column.missing ?? 0), 0);
    else withheld.missing = siteReason(parts, 'missing');
  }
  if (has('sum')) {
    if (allHave(parts, 'sum')) out.sum = parts.reduce((s, p) => s + (p.column.sum ?? 0), 0);
    else withheld.sum = siteReason(parts, 'sum');
  }
  const withMean = allHave(parts, 'mean');
  const pooledMoments = (withM2: boolean): Moments =>
    poolMoments(
      parts.map((p) => {
        const c = p.column;
        const n = c.count ?? 0;
        const mean = c.mean ?? 0;
        return { count: n, mean, sum: c.sum ?? n * mean, m2: withM2 ? (c.m2 ?? 0) : 0 };
      }),
    );
  if (has('mean')) {
    if (withMean) out.mean = pooledMoments(false).mean;
    else withheld.mean = siteReason(parts, 'mean');
  }
  for (const s of ['variance', 'sd'] as const) {
    if (!has(s)) continue;
    if (!withMean || !allHave(parts, 'm2')) {
      withheld[s] = siteReason(parts, withMean ? s : 'mean');
      continue;
    }
    const m = pooledMoments(true);
    const variance = m.count < 2 ? undefined : m.m2 / (m.count - 1);
    if (variance === undefined) withheld[s] = { code: PoolWithholdCode.BELOW_THRESHOLD, reason: 'a variance needs at least two values' };
    else if (s === 'variance') out.variance = variance;
    else out.sd = Math.sqrt(variance);
  }
  if (has('min') || has('max')) {
    if (allHave(parts, 'min') && allHave(parts, 'max')) {
      if (has('min')) out.min = Math.min(...parts.map((p) => p.column.min ?? Infinity));
      if (has('max')) out.max = Math.max(...parts.map((p) => p.column.max ?? -Infinity));
      out.minMaxExact = parts.every((p) => p.column.minMaxExact === true);
    } else {
      if (has('min')) withheld.min = siteReason(parts, 'min');
      if (has('max')) withheld.max = siteReason(parts, 'max');
    }
  }
  let histogram: BinnedCounts | undefined;
  if (has('histogram')) {
    const histograms = parts.map((p) => p.column.histogram).filter((h) => h !== undefined);
    // Each site answers on its owner's declared grid, so edges may differ between sites: the pool
    // merges every site's bins onto the edges they all have.
    const edges = commonEdges(histograms);
    if (histograms.length < parts.length) {
      withheld.histogram = siteReason(parts, 'histogram');
    } else if (edges.length < 2) {
      withheld.histogram = { code: PoolWithholdCode.GRIDS_DISJOINT, reason: 'the sites\' declared histogram grids have fewer than two edges in common' };
    } else {
      const pooled = poolHistograms(histograms.map((h) => rebin(h, edges)));
      const released = thresholdCells(pooled, request.minCount);
      out.histogram = released.histogram;
      if (released.withheld) withheld.histogram = released.withheld;
      // Quantiles are interpolated only in a histogram released whole: interpolating in one with
      // blank cells would give away how many records the blank cells before the quantile hold.
      else histogram = pooled;
    }
  }
  if (has('quantiles')) {
    const { quantiles, missing } = poolQuantiles(parts, request.probabilities ?? [], count, histogram);
    if (quantiles.length > 0) out.quantiles = quantiles;
    if (missing.length > 0) {
      const reason = siteReason(parts, 'quantiles');
      withheld.quantiles = { code: reason.code, reason: `probabilities ${missing.join(', ')} not released: ${reason.reason}` };
    }
  }
  if (Object.keys(withheld).length > 0) out.withheld = withheld;
  return out;
}

/** The pooled histogram as released: small, unknown and complementary cells blanked (suppressCells). */
function thresholdCells(h: BinnedCounts, minCount: number): { histogram: StorageSummarize.Histogram; withheld?: Withholding } {
  const labels = ['below', ...h.counts.map((_, i) => `[${h.edges[i] ?? '?'}, ${h.edges[i + 1] ?? '?'}${i === h.counts.length - 1 ? ']' : ')'}`), 'above'];
  const { histogram, blanks } = suppressHistogram(h, minCount);
  const named = (kind: CellBlank) => labels.filter((_, i) => blanks[i] === kind);
  const [small, unknown, complementary] = [named(CellBlank.SMALL), named(CellBlank.UNKNOWN), named(CellBlank.COMPLEMENTARY)];
  if (small.length + unknown.length === 0) return { histogram };
  const reasons = [
    ...(small.length > 0 ? [`cells ${small.join(', ')} are below ${minCount} records`] : []),
    ...(unknown.length > 0 ? [`cells ${unknown.join(', ')} were blanked by a site`] : []),
    ...(complementary.length > 0 ? [`cells ${complementary.join(', ')} are withheld too, so that those cannot be recovered from the count`] : []),
  ];
  return { histogram, withheld: { code: unknown.length > 0 ? PoolWithholdCode.SITE_SUPPRESSED : PoolWithholdCode.BELOW_THRESHOLD, reason: reasons.join('; ') } };
}

function quantileOf(column: StorageSummarize.ColumnSummary, p: number): number | undefined {
  return column.quantiles?.find((q) => q.p === p)?.value;
}

function poolQuantiles(
  parts: readonly SitePart[],
  probabilities: readonly number[],
  count: number,
  histogram: BinnedCounts | undefined,
): { quantiles: AnalysisQuantile[]; missing: number[] } {
  const quantiles: AnalysisQuantile[] = [];
  const missing: number[] = [];
  for (const p of probabilities) {
    const values = parts.map((part) => quantileOf(part.column, p));
    if (values.some((v) => v === undefined)) {
      missing.push(p);
      continue;
    }
    if (parts.length === 1) {
      quantiles.push({ p, value: values[0] ?? NaN, approximate: false, method: 'single-site' });
      continue;
    }
    const fromHistogram = histogram !== undefined ? interpolate(histogram, p) : undefined;
    if (fromHistogram !== undefined) {
      quantiles.push({ p, value: fromHistogram.value, approximate: true, method: 'pooled-histogram', bounds: fromHistogram.bounds });
      continue;
    }
    const weighted = parts.reduce((s, part, i) => s + (part.column.count ?? 0) * (values[i] ?? 0), 0) / count;
    quantiles.push({ p, value: weighted, approximate: true, method: 'count-weighted-mean' });
  }
  return { quantiles, missing };
}

/**
 * The p-quantile from a histogram whose every cell is known, by linear interpolation inside the
 * bin that holds it; undefined when a cell is unknown or the quantile falls below the first edge
 * or above the last.
 */
export function interpolate(h: BinnedCounts, p: number): { value: number; bounds: [number, number] } | undefined {
  if (h.below === null || h.above === null || h.counts.some((c) => c === null)) return undefined;
  const total = h.below + h.above + h.counts.reduce<number>((s, c) => s + (c ?? 0), 0);
  if (total === 0) return undefined;
  const target = p * total;
  let cumulative = h.below;
  if (target <= cumulative && !(target === 0 && cumulative === 0)) return undefined;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i] ?? 0;
    const lo = h.edges[i] ?? NaN;
    const hi = h.edges[i + 1] ?? NaN;
    if (c > 0 && target <= cumulative + c) {
      return { value: lo + ((target - cumulative) / c) * (hi - lo), bounds: [lo, hi] };
    }
    cumulative += c;
  }
  return undefined;
}
