import { AggregationErrorCode, PhdmfError, type AggregationRunAnalysis, type AnalysisRequestView } from '@phdmf/contracts';
import { edgesProblem } from '@phdmf/statistics';

function invalid(message: string): PhdmfError {
  return new PhdmfError(AggregationErrorCode.REQUEST_INVALID, message);
}

/**
 * Refuses an analysis request that cannot be answered as asked, before anything is checked or
 * sent: the same consistency rules a storage node applies, so no site is asked a question it
 * would refuse as malformed.
 */
export function checkAnalysisRequest(p: AggregationRunAnalysis.Payload): AnalysisRequestView {
  const asked = p.statistics;
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
