import { AggregationErrorCode, PhdmfError, type AggregationRunAnalysis, type AnalysisRequestView } from '@phdmf/contracts';
import { edgesProblem } from '@phdmf/statistics';

function invalid(message: string, details?: Record<string, unknown>): PhdmfError {
  return new PhdmfError(AggregationErrorCode.REQUEST_INVALID, message, details);
}

/** How much one analysis may ask for: at most `maxColumns` columns × `maxQuantiles` quantile probabilities. */
export interface AnalysisSizeLimits {
  maxColumns: number;
  maxQuantiles: number;
}

/**
 * Refuses an analysis request that cannot be answered as asked, before anything is checked or
 * sent: the same consistency rules a storage node applies, so no site is asked a question it
 * would refuse as malformed, and the size limits that bound one analysis's work at every site.
 */
export function checkAnalysisRequest(p: AggregationRunAnalysis.Payload, limits: AnalysisSizeLimits): AnalysisRequestView {
  const asked = p.statistics;
  if (p.columns.length > limits.maxColumns) {
    throw invalid(`at most ${limits.maxColumns} columns per analysis`, { limit: limits.maxColumns, asked: p.columns.length });
  }
  if ((p.probabilities ?? []).length > limits.maxQuantiles) {
    throw invalid(`at most ${limits.maxQuantiles} quantile probabilities per analysis`, { limit: limits.maxQuantiles, asked: p.probabilities?.length });
  }
  if (p.probabilities !== undefined && !asked.includes('quantiles')) throw invalid('probabilities were given without the quantiles statistic');
  if (asked.includes('quantiles') && (p.probabilities ?? []).length === 0) throw invalid('the quantiles statistic needs probabilities');
  if (p.histograms !== undefined && !asked.includes('histogram')) throw invalid('histogram edges were given without the histogram statistic');
  if (asked.includes('histogram') && (p.histograms ?? []).length === 0) throw invalid('the histogram statistic needs bin edges for at least one column');
  const seen = new Set<string>();
  for (const h of p.histograms ?? []) {
    if (!p.columns.includes(h.column)) throw invalid(`histogram column "${h.column}" is not among the requested columns`);
    if (seen.has(h.column)) throw invalid(`histogram column "${h.column}" is given twice`);
    seen.add(h.column);
    const problem = edgesProblem(h.edges);
    if (problem !== undefined) throw invalid(`histogram of "${h.column}": ${problem}`);
  }
  return {
    datasets: [...p.datasets],
    columns: [...p.columns],
    statistics: [...p.statistics],
    ...(p.probabilities ? { probabilities: [...p.probabilities] } : {}),
    ...(p.histograms ? { histograms: p.histograms.map((h) => ({ column: h.column, edges: [...h.edges] })) } : {}),
    breakdown: p.breakdown === true,
    allowPartial: p.allowPartial === true,
  };
}
