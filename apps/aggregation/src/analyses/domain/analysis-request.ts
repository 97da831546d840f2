import { AggregationErrorCode, PhdmfError, StorageSummarize, type AggregationRunAnalysis, type AnalysisRequestView } from '@phdmf/contracts';

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
 * sent: the consistency rule every storage node applies (`StorageSummarize.summaryRequestProblem`),
 * and the size limits that bound one analysis's work at every site.
 */
export function checkAnalysisRequest(p: AggregationRunAnalysis.Payload, limits: AnalysisSizeLimits): AnalysisRequestView {
  if (p.columns.length > limits.maxColumns) {
    throw invalid(`at most ${limits.maxColumns} columns per analysis`, { limit: limits.maxColumns, asked: p.columns.length });
  }
  if ((p.probabilities ?? []).length > limits.maxQuantiles) {
    throw invalid(`at most ${limits.maxQuantiles} quantile probabilities per analysis`, { limit: limits.maxQuantiles, asked: p.probabilities?.length });
  }
  // The sites' own rule, so that no site is asked a question it would refuse as malformed.
  const problem = StorageSummarize.summaryRequestProblem(p);
  if (problem !== undefined) throw invalid(problem);
  return {
    datasets: [...p.datasets],
    columns: [...p.columns],
    statistics: [...p.statistics],
    ...(p.probabilities ? { probabilities: [...p.probabilities] } : {}),
    ...(p.histograms ? { histograms: p.histograms.map((h) => ({ column: h.column, edges: [...h.edges] })) } : {}),
    breakdown: p.breakdown === true,
    allowPartial: p.allowPartial === true,
    ...(p.filter ? { filter: { ...p.filter } } : {}),
    ...(p.stratum ? { stratum: { column: p.stratum.column } } : {}),
  };
}
