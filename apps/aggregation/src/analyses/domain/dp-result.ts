// dp columns of a result: the sites' noisy quantities pooled (libs/statistics `poolDpColumn`), every
// number marked with the standard deviation of its noise and its 95 % interval.
import { type AnalysisColumn, type AnalysisNoise, type NoiseView, type StorageSummarize } from '@phdmf/contracts';
import { poolDpColumn, Z95, type DpEstimate } from '@phdmf/statistics';

const SCALARS = ['count', 'missing', 'sum', 'mean', 'variance', 'sd'] as const;

function noiseOf(e: DpEstimate): NoiseView {
  return { sd: e.sd, interval: [e.interval[0], e.interval[1]] };
}

/** What the researcher asked of the column, and the pool's release floor for ratios. */
export interface DpColumnRequest {
  statistics: readonly string[];
  probabilities?: readonly number[];
  minCount: number;
}

/** Pools one column's dp site summaries into the released column. */
export function poolDpAnalysisColumn(name: string, parts: readonly StorageSummarize.ColumnSummary[], request: DpColumnRequest): AnalysisColumn {
  const type = parts[0]?.type;
  const noisy = parts.map((p) => p.noisy);
  if (!noisy.every((n): n is StorageSummarize.NoisyColumn => n !== undefined)) {
    return { name, ...(type ? { type } : {}), suppressed: { code: 'DP.QUANTITY_MISSING', reason: 'a site released no noisy quantities for this column' } };
  }
  const pooled = poolDpColumn(noisy, { statistics: request.statistics, ...(request.probabilities ? { probabilities: request.probabilities } : {}), minCount: request.minCount });
  const column: AnalysisColumn = { name, ...(type ? { type } : {}) };
  const noise: AnalysisNoise = {};
  for (const key of SCALARS) {
    const estimate = pooled[key];
    if (estimate === undefined) continue;
    column[key] = estimate.value;
    noise[key] = noiseOf(estimate);
  }
  if (pooled.histogram) {
    const h = pooled.histogram;
    column.histogram = { edges: h.edges, counts: h.counts, below: h.below.value, above: h.above.value };
    noise.histogram = h.counts.map((c, i) => {
      const sd = h.sds[i] ?? 0;
      return { sd, interval: [c - Z95 * sd, c + Z95 * sd] };
    });
  }
  if (pooled.quantiles) {
    column.quantiles = pooled.quantiles.map((q) => ({ p: q.p, value: q.estimate.value, approximate: true, method: 'pooled-histogram' }));
    noise.quantiles = pooled.quantiles.map((q) => ({ p: q.p, ...noiseOf(q.estimate) }));
  }
  if (pooled.withheld) column.withheld = pooled.withheld;
  return { ...column, noise };
}
