// What a chart of an analysis shows: one bar per variable (pooled), or one bar per site within
// each variable (breakdown), of one statistic — the paper's bar charts of sample number, maximum,
// minimum and mean. Only released numbers are drawn; a withheld one is named with its reason.
import { AggregationErrorCode, PhdmfError, type AnalysisColumn, type AnalysisResult, type ChartGrouping, type ChartStatistic } from '@phdmf/contracts';

export interface ChartBar {
  variable: string;
  /** With `by: 'site'`: the site the bar is of; with `by: 'stratum'`: the level. */
  site?: string;
  value: number;
}

/** Everything a renderer needs; every string in it is data (escaped by the renderer), never markup. */
export interface ChartData {
  title: string;
  subtitle: string[];
  statistic: ChartStatistic;
  axisTitle: string;
  by: ChartGrouping;
  bars: ChartBar[];
}

const LABEL: Record<ChartStatistic, string> = {
  count: 'sample number (count)',
  mean: 'mean',
  min: 'minimum',
  max: 'maximum',
  sd: 'standard deviation',
};

const MAX_NOTES = 6;

function unavailable(message: string): PhdmfError {
  return new PhdmfError(AggregationErrorCode.CHART_UNAVAILABLE, message);
}

function why(column: AnalysisColumn, statistic: ChartStatistic): string {
  return column.suppressed?.reason ?? column.withheld?.[statistic]?.reason ?? 'not released';
}

/** The bars and notes of a chart; ANALYSIS.CHART_UNAVAILABLE when the result has nothing to show for it. */
export function chartData(result: AnalysisResult, statistic: ChartStatistic, by: ChartGrouping): ChartData {
  if (!result.request.statistics.includes(statistic)) {
    throw unavailable(`analysis ${result.analysisId} did not ask for ${statistic} (it asked for ${result.request.statistics.join(', ')})`);
  }
  const bars: ChartBar[] = [];
  const notes: string[] = [];
  // Set inside `take`: a holder, because TypeScript does not see a closure's assignment.
  const seen = { bounds: false };
  const take = (column: AnalysisColumn, site?: string) => {
    const value = column[statistic];
    if (typeof value === 'number') {
      bars.push({ variable: column.name, ...(site !== undefined ? { site } : {}), value });
      if ((statistic === 'min' || statistic === 'max') && column.minMaxExact === false) seen.bounds = true;
    } else {
      notes.push(`${column.name}${site !== undefined ? ` at ${site}` : ''}: withheld (${why(column, statistic)})`);
    }
  };
  if (by === 'stratum') {
    const strata = result.strata;
    if (strata === undefined) throw unavailable(`analysis ${result.analysisId} has no stratum (it was not asked for)`);
    for (const level of strata.levels) for (const column of level.columns) take(column, `${strata.column} ${level.level}`);
  } else if (by === 'site') {
    const sites = result.sites;
    if (sites === undefined) throw unavailable(`analysis ${result.analysisId} has no per-site breakdown (it was not asked for)`);
    const labelCounts = new Map<string, number>();
    for (const s of sites) labelCounts.set(s.nodeId, (labelCounts.get(s.nodeId) ?? 0) + 1);
    for (const s of sites) {
      const label = (labelCounts.get(s.nodeId) ?? 0) > 1 ? `${s.nodeId} / ${s.datasetId}` : s.nodeId;
      for (const column of s.columns) take(column, label);
    }
  } else {
    for (const column of result.columns) take(column);
  }
  const subtitle: string[] = [];
  if (result.status === 'partial') {
    const left = result.datasets.filter((d) => d.status === 'failed').map((d) => `${d.datasetId} at ${d.nodeId}`);
    subtitle.push(`partial result: left out ${left.join(', ')}`);
  }
  if (seen.bounds) subtitle.push('min and max are bounds: sites moved them outwards');
  subtitle.push(...notes.slice(0, MAX_NOTES));
  if (notes.length > MAX_NOTES) subtitle.push(`… and ${notes.length - MAX_NOTES} more withheld`);
  return {
    title: `${LABEL[statistic]} by ${by === 'site' ? 'site and variable' : by === 'stratum' ? `${result.strata?.column ?? 'stratum'} and variable` : 'variable'} — analysis ${result.analysisId}`,
    subtitle,
    statistic,
    axisTitle: LABEL[statistic],
    by,
    bars,
  };
}
