import type { LedgerStatistic } from '../../ledger/lib/records';
import type { QuantileValue, ReleasedColumn, Withheld } from '../../storage/queries/summarize/summarize.query';

/**
 * Why a number was not released: a stable code (`DISCLOSURE.*`) and a sentence naming the site or
 * threshold. The storage contract's `Withheld`: a site's reason passes through the pool unchanged.
 */
export type Withholding = Withheld;

/**
 * One pooled quantile. `single-site`: the one site's quantile (exact for that site).
 * `pooled-histogram`: linear interpolation inside the pooled histogram's bin that holds it
 * (approximate; the true value lies within `bounds`). `count-weighted-mean`: the sites' quantiles
 * weighted by their counts (DataSHIELD's quantileMean combination; approximate, unbounded).
 */
export interface AnalysisQuantile extends QuantileValue {
  approximate: boolean;
  method: 'single-site' | 'pooled-histogram' | 'count-weighted-mean';
  /** With `pooled-histogram`: the bin edges the true quantile lies between. */
  bounds?: [number, number];
}

/**
 * One released column: only the statistics asked for. Count, sum, mean, variance (n−1) and SD are
 * pooled exactly (parallel-variance formula); min and max are bounds unless `minMaxExact`. A whole
 * column withheld has `suppressed` and no number; a single statistic withheld is in `withheld`.
 * The sites' released column, with pooled quantiles in place of the sites' own.
 */
export interface AnalysisColumn extends ReleasedColumn {
  quantiles?: AnalysisQuantile[];
  /**
   * dp mode: every released number is noisy; per statistic, the standard deviation of its noise and
   * the 95 % interval for the noise-free value (`quantiles` per probability, `histogram` per cell).
   */
  noise?: AnalysisNoise;
}

/** A noisy number's noise: its standard deviation and the 95 % interval for the noise-free value. */
export interface NoiseView {
  sd: number;
  interval: [number, number];
}

/** The noise of a dp column's numbers (present for each number released). */
export interface AnalysisNoise {
  count?: NoiseView;
  missing?: NoiseView;
  sum?: NoiseView;
  mean?: NoiseView;
  variance?: NoiseView;
  sd?: NoiseView;
  quantiles?: (NoiseView & { p: number })[];
  /** Per cell of `histogram.counts`, in order. */
  histogram?: NoiseView[];
}

/** A dataset of the analysis: where it was summarized, under which grant, over which on-chain hash. */
export interface AnalysisDataset {
  datasetId: string;
  nodeId: string;
  ownerMemberId: string;
  sha256: string;
  datasetVersion: number;
  grantRequestId: string;
  /** `failed`: the node failed or did not answer and partial results were allowed; `error` says why. */
  status: 'used' | 'failed';
  error?: { code: string; message: string };
  /** The node's own time for the summary, as it signed it (absent from nodes that do not report it). */
  computeMillis?: number;
}

/** One site's columns, under the pool's threshold (only with `breakdown`). */
export interface AnalysisSite {
  nodeId: string;
  datasetId: string;
  columns: AnalysisColumn[];
}

/** What the researcher asked for. */
export interface AnalysisRequestView {
  datasets: string[];
  columns: string[];
  statistics: LedgerStatistic[];
  probabilities?: number[];
  histograms?: { column: string; edges: number[] }[];
  breakdown: boolean;
  allowPartial: boolean;
  /** The subset asked (libs/modelling's filter tree). */
  filter?: Record<string, unknown>;
  stratum?: { column: string };
}

/** One level of a stratum, pooled over the sites that released it. */
export interface AnalysisStratumLevel {
  level: string;
  /** The nodes whose records of this level are in it: a site leaves out a level it would isolate below its threshold. */
  sites: string[];
  columns: AnalysisColumn[];
}

/**
 * The released result of an analysis. `resultHash` is the hex SHA-256 of the canonical JSON
 * (`canonicalJson`) of this object without `resultHash`, `txId` and `blockNumber`; it is what the
 * ledger records, so anyone holding the result can check it against the chain.
 */
export interface AnalysisResult {
  analysisId: string;
  /** `partial`: some datasets' nodes failed (allowed by the request); they are listed with status `failed`. */
  status: 'complete' | 'partial';
  requester: string;
  request: AnalysisRequestView;
  /** The statistics asked of the sites and recorded on-chain: those asked, plus what pooling needs (count; mean with variance/SD). */
  siteStatistics: LedgerStatistic[];
  /** The pool's disclosure threshold when the analysis ran. */
  poolMinCount: number;
  datasets: AnalysisDataset[];
  columns: AnalysisColumn[];
  sites?: AnalysisSite[];
  /** With a stratum: each level's columns, pooled under the pool's threshold. */
  strata?: { column: string; levels: AnalysisStratumLevel[] };
  /** dp mode: the ρ spent per grant and the on-chain reservation that paid it (its id is `analysisId`). */
  privacy?: { mode: 'dp'; rho: number; reservationTxId: string };
  createdAt: string;
  resultHash: string;
  txId: string;
  blockNumber: number;
}

/** An analysis in a list. */
export interface AnalysisSummary {
  analysisId: string;
  status: 'complete' | 'partial';
  requester: string;
  datasets: string[];
  columns: string[];
  statistics: LedgerStatistic[];
  createdAt: string;
  resultHash: string;
  txId: string;
  blockNumber: number;
}

/** Statistics a chart can show. */
export const CHART_STATISTICS = ['count', 'mean', 'min', 'max', 'sd'] as const;
export type ChartStatistic = (typeof CHART_STATISTICS)[number];

/** A chart's categories: the variables (pooled), or the sites per variable (breakdown). */
export const CHART_GROUPINGS = ['variable', 'site', 'stratum'] as const;
export type ChartGrouping = (typeof CHART_GROUPINGS)[number];
