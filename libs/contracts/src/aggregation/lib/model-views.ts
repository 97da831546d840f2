// What a federated model analysis releases (issue 16): one of a pooled contingency table with its
// chi-square test, a correlation matrix with each pair's test, or a fitted GLM. The numbers are those
// of libs/modelling's coordinator functions; the envelope (datasets, on-chain record, result hash) is
// that of a summary analysis.
import type { LedgerModelKind } from '../../ledger/lib/records';
import type { AnalysisDataset, AnalysisResult } from './views';

/** The request as the researcher sent it (the filter as parsed JSON). */
export interface ModelRequestView {
  kind: LedgerModelKind;
  datasets: string[];
  filter?: Record<string, unknown>;
  table?: { rows: { column: string }; columns?: { column: string } };
  correlation?: { columns: string[] };
  glm?: { family: 'gaussian' | 'binomial' | 'poisson'; outcome: string; covariates: string[]; levels?: Record<string, string[]>; offset?: string };
}

/** Pearson's chi-square test of independence on the pooled table (R's chisq.test(correct = FALSE)). */
export interface ChiSquareView {
  statistic: number;
  df: number;
  pValue: number;
}

/**
 * The sites' tables added cell by cell over the union of their levels; null where a site withheld
 * its part (small cells), so the pool cannot reveal it either. No test when a cell is withheld.
 */
export interface PooledTableView {
  rows: string[];
  columns: string[];
  counts: (number | null)[][];
  rowTotals: (number | null)[];
  columnTotals: (number | null)[];
  total: number | null;
  /** Absent when a cell is withheld, or fewer than two rows or columns hold records. */
  chiSquare?: ChiSquareView;
}

/** One pair's Pearson correlation with R's cor.test: t test p-value and Fisher-z interval. */
export interface CorrelationPairView {
  columns: [string, string];
  n: number;
  covariance: number | null;
  r: number | null;
  pValue: number | null;
  interval: [number, number] | null;
}

/** Symmetric matrices over the columns asked, pairwise complete (n per pair), and each pair's test. */
export interface CorrelationMatrixView {
  columns: string[];
  n: number[][];
  covariance: (number | null)[][];
  correlation: (number | null)[][];
  pairs: CorrelationPairView[];
  level: number;
}

/** One coefficient of a fitted GLM, as R's summary.glm (Wald interval as confint.default). */
export interface GlmCoefficientView {
  name: string;
  estimate: number;
  standardError: number;
  /** t (gaussian, dispersion estimated) or z. */
  statistic: number;
  pValue: number;
  /** Wald interval: estimate ± t or z quantile × standard error. */
  interval: [number, number];
}

/** A GLM fitted by IRLS across the sites. */
export interface GlmFitView {
  family: 'gaussian' | 'binomial' | 'poisson';
  coefficients: GlmCoefficientView[];
  /** The coefficients' covariance (dispersion × (XᵀWX)⁻¹), row-major. */
  covariance: number[];
  statistic: 't' | 'z';
  dispersion: number;
  deviance: number;
  nullDeviance: number;
  dfResidual: number;
  dfNull: number;
  aic: number;
  n: number;
  iterations: number;
  converged: boolean;
  level: number;
}

/**
 * The released result of a model analysis. `resultHash` is the hex SHA-256 of the canonical JSON of
 * this object without `resultHash`, `txId` and `blockNumber`, as for a summary analysis; the chain
 * records it with the kind as the analysis' one statistic, the columns read, and a GLM's iterations.
 */
export interface ModelAnalysisResult {
  analysisId: string;
  kind: LedgerModelKind;
  /** Every site answered (a model is not pooled from some of them). */
  status: 'complete';
  requester: string;
  request: ModelRequestView;
  /** Every column the request reads (the subset's included), sorted: what each grant covers, as recorded on-chain. */
  columns: string[];
  datasets: AnalysisDataset[];
  table?: PooledTableView;
  correlation?: CorrelationMatrixView;
  glm?: GlmFitView;
  createdAt: string;
  resultHash: string;
  txId: string;
  blockNumber: number;
}

/** Either kind of analysis, as `get-analysis` answers it: a model result carries `kind`. */
export type AnyAnalysisResult = AnalysisResult | ModelAnalysisResult;

/** Whether an analysis result is a model's. */
export function isModelResult(r: AnyAnalysisResult): r is ModelAnalysisResult {
  return 'kind' in r;
}
