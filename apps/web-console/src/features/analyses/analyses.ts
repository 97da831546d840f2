// Analyses: what can be analysed (the caller's granted requests), running one, and reading them back.
import { paginate } from '@phdmf/client';
import { api, call } from '../../api/client';
import { asApiError } from '../../api/errors';
import type { components } from '@phdmf/client';
import type { Statistic } from '../market/apply';

export type Analysis = components['schemas']['AnalysisResponse'];
export type AnalysisColumn = components['schemas']['AnalysisColumnResponse'];
export type AnalysisSummary = components['schemas']['AnalysisSummaryResponse'];
export type ModelAnalysis = components['schemas']['ModelAnalysisResponse'];
/** What a summary analysis may ask: a grant also names the models (table, correlation, glm), which this page does not run. */
export type SummaryStatistic = Analysis['request']['statistics'][number];
const SUMMARY_STATISTICS: ReadonlySet<string> = new Set<SummaryStatistic>(['count', 'missing', 'sum', 'min', 'max', 'mean', 'variance', 'sd', 'quantiles', 'histogram']);
const isSummaryStatistic = (s: Statistic): s is SummaryStatistic => SUMMARY_STATISTICS.has(s);

/** A dataset the caller may analyse: one of its granted requests, with the grant's scope. */
export interface Analysable {
  datasetId: string;
  columns: string[];
  statistics: Statistic[];
}

export async function analysableDatasets(): Promise<Analysable[]> {
  const found: Analysable[] = [];
  const pages = paginate((cursor) => api.GET('/api/v1/access-requests', { params: { query: { scope: 'mine', status: 'granted', ...(cursor ? { cursor } : {}) } } }));
  try {
    for await (const r of pages) if (r.grant) found.push({ datasetId: r.datasetId, columns: r.grant.columns, statistics: r.grant.statistics });
  } catch (error) {
    throw asApiError(error);
  }
  return found;
}

/** The columns and statistics every chosen grant allows (an analysis pools them all). */
export function common(chosen: Analysable[]): { columns: string[]; statistics: SummaryStatistic[] } {
  const [first, ...rest] = chosen;
  if (!first) return { columns: [], statistics: [] };
  return {
    columns: first.columns.filter((c) => rest.every((a) => a.columns.includes(c))),
    statistics: first.statistics.filter((s) => rest.every((a) => a.statistics.includes(s))).filter(isSummaryStatistic),
  };
}

export interface AnalysisInput {
  datasets: string[];
  columns: string[];
  statistics: SummaryStatistic[];
  breakdown: boolean;
}

export function runAnalysis(input: AnalysisInput): Promise<Analysis> {
  // @phdmf/client adds the Idempotency-Key to every committing call.
  return call(api.POST('/api/v1/analyses', { body: { ...input, allowPartial: false } }));
}

export function listAnalyses(cursor: string | undefined) {
  return call(api.GET('/api/v1/analyses', { params: { query: cursor ? { cursor } : {} } }));
}

/** A summary analysis; a model (table, correlation matrix, GLM: `kind`) is not shown by the console yet. */
export async function getAnalysis(analysisId: string): Promise<Analysis> {
  const found: Analysis | ModelAnalysis = await call(api.GET('/api/v1/analyses/{analysisId}', { params: { path: { analysisId } } }));
  if ('kind' in found) throw new Error(`analysis ${analysisId} is a ${found.kind} model, which the console does not show yet (GET /api/v1/analyses/${analysisId})`);
  return found;
}

/** The four numbers of the paper's bar charts. */
export const CHART_STATISTICS = ['count', 'min', 'max', 'mean'] as const;
export type ChartStatistic = (typeof CHART_STATISTICS)[number];

export interface ChartSeries {
  /** "pooled" or a site's node id. */
  label: string;
  values: (number | undefined)[];
}

/** One chart per statistic: per column, a bar for each site and one for the pooled result. */
export function chartSeries(analysis: Analysis, statistic: ChartStatistic): { columns: string[]; series: ChartSeries[] } {
  const columns = analysis.columns.map((c) => c.name);
  const valueOf = (list: AnalysisColumn[], name: string) => list.find((c) => c.name === name)?.[statistic];
  const sites = (analysis.sites ?? []).map((s) => ({ label: s.nodeId, values: columns.map((name) => valueOf(s.columns, name)) }));
  return { columns, series: [...sites, { label: 'pooled', values: columns.map((name) => valueOf(analysis.columns, name)) }] };
}
