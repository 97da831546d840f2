// Analyses: what can be analysed (the caller's granted requests), running one, and reading them back.
import { paginate } from '@phdmf/client';
import { api, call } from '../../api/client';
import { asApiError } from '../../api/errors';
import type { components } from '@phdmf/client';
import { LEDGER_MODEL_KINDS, LEDGER_SUMMARY_STATISTICS } from '@phdmf/contracts/ledger-records';
import type { MessageKey } from '../../i18n';
import type { Statistic } from '../market/apply';

export type Analysis = components['schemas']['AnalysisResponse'];
export type AnalysisColumn = components['schemas']['AnalysisColumnResponse'];
export type AnalysisSummary = components['schemas']['AnalysisSummaryResponse'];
export type ModelAnalysis = components['schemas']['ModelAnalysisResponse'];
export type AnyAnalysis = Analysis | ModelAnalysis;
export type HistogramResult = components['schemas']['HistogramResponse'];
/** What a summary analysis may ask (the ledger's list); a grant also names the models (table, correlation, glm), run by the model form. */
export type SummaryStatistic = Analysis['request']['statistics'][number];
export type ModelKind = ModelAnalysis['kind'];
const SUMMARY_STATISTICS: ReadonlySet<string> = new Set<string>(LEDGER_SUMMARY_STATISTICS);
const MODEL_KINDS: ReadonlySet<string> = new Set<string>(LEDGER_MODEL_KINDS);
const isSummaryStatistic = (s: Statistic): s is SummaryStatistic => SUMMARY_STATISTICS.has(s);
const isModelKind = (s: Statistic): s is ModelKind => MODEL_KINDS.has(s);

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

/** The columns, summary statistics and models every chosen grant allows (an analysis pools them all). */
export function common(chosen: Analysable[]): { columns: string[]; statistics: SummaryStatistic[]; models: ModelKind[] } {
  const [first, ...rest] = chosen;
  if (!first) return { columns: [], statistics: [], models: [] };
  const statistics = first.statistics.filter((s) => rest.every((a) => a.statistics.includes(s)));
  return {
    columns: first.columns.filter((c) => rest.every((a) => a.columns.includes(c))),
    statistics: statistics.filter(isSummaryStatistic),
    models: statistics.filter(isModelKind),
  };
}

/** "0.25, 0.5 ,0.75" → [0.25, 0.5, 0.75]; undefined when a part is not a number. */
export function parseNumbers(text: string): number[] | undefined {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const numbers = parts.map(Number);
  return numbers.every((n) => Number.isFinite(n)) ? numbers : undefined;
}

/** The build form as typed: the quantiles' probabilities and each column's histogram edges as text. */
export interface AnalysisForm {
  datasets: string[];
  columns: string[];
  statistics: SummaryStatistic[];
  breakdown: boolean;
  probabilities: string;
  /** Column → its bin edges as typed; an empty one asks no histogram of that column. */
  edges: Record<string, string>;
}

export type AnalysisInput = components['schemas']['RunAnalysisDto'];

/**
 * The request the form describes, or the catalogue key of what is wrong with it. The sites apply the
 * full rule again (published probabilities, the owner's grid); this catches what a person mistypes.
 */
export function analysisRequest(form: AnalysisForm): { input: AnalysisInput } | { problem: MessageKey } {
  const input: AnalysisInput = { datasets: form.datasets, columns: form.columns, statistics: form.statistics, breakdown: form.breakdown, allowPartial: false };
  if (form.statistics.includes('quantiles')) {
    const probabilities = parseNumbers(form.probabilities);
    if (!probabilities || probabilities.length === 0 || probabilities.some((p) => p <= 0 || p >= 1)) return { problem: 'analyses.problems.probabilities' };
    input.probabilities = probabilities;
  }
  if (form.statistics.includes('histogram')) {
    const histograms: { column: string; edges: number[] }[] = [];
    for (const column of form.columns) {
      const text = form.edges[column]?.trim() ?? '';
      if (text === '') continue;
      const edges = parseNumbers(text);
      if (!edges || edges.length < 2 || edges.some((e, i) => i > 0 && !(e > (edges[i - 1] ?? Infinity)))) return { problem: 'analyses.problems.edges' };
      histograms.push({ column, edges });
    }
    if (histograms.length === 0) return { problem: 'analyses.problems.noHistogram' };
    input.histograms = histograms;
  }
  return { input };
}

export function runAnalysis(input: AnalysisInput): Promise<Analysis> {
  // @phdmf/client adds the Idempotency-Key to every committing call.
  return call(api.POST('/api/v1/analyses', { body: input }));
}

/** The model an analysis ran (a model records its kind as its one statistic), or undefined for a summary. */
export function modelKindOf(statistics: readonly Statistic[]): ModelKind | undefined {
  return statistics.find(isModelKind);
}

export type ModelInput = components['schemas']['RunModelDto'];

export function runModel(input: ModelInput): Promise<ModelAnalysis> {
  return call(api.POST('/api/v1/analyses/models', { body: input }));
}

/** A histogram's bins as a person reads them: "[20, 40)", the last one closed, with the counts (null: withheld). */
export function histogramBins(h: HistogramResult): { label: string; count: number | null }[] {
  return h.counts.map((count, i) => {
    const last = i === h.counts.length - 1;
    return { label: `[${String(h.edges[i])}, ${String(h.edges[i + 1])}${last ? ']' : ')'}`, count };
  });
}

export function listAnalyses(cursor: string | undefined) {
  return call(api.GET('/api/v1/analyses', { params: { query: cursor ? { cursor } : {} } }));
}

/** A summary analysis, or a model (table, correlation matrix, GLM: it has a `kind`). */
export function getAnalysis(analysisId: string): Promise<AnyAnalysis> {
  return call(api.GET('/api/v1/analyses/{analysisId}', { params: { path: { analysisId } } }));
}

export function isModel(analysis: AnyAnalysis): analysis is ModelAnalysis {
  return 'kind' in analysis;
}

/** A number as the result tables show it: integers whole, tiny p-values in exponent form, others to 3 decimals; — for none. */
export function fmt(value: number | null | undefined): string {
  if (value === undefined || value === null) return '—';
  if (Number.isInteger(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 0.001) return value.toExponential(2);
  return value.toFixed(3);
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
