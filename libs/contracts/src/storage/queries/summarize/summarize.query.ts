import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNumber, Max, Min, ValidateNested } from 'class-validator';
import { OptionalField } from '../../../lib/optional';
import type { LedgerStatistic } from '../../../ledger/lib/records';
import { IsColumnList, IsLedgerId, IsLedgerText, IsStatisticList, LedgerLimits } from '../../../ledger/lib/validation';
import type { NodeSignature } from '../../lib/canonical-json';
import { perNodeContract, perNodeContracts } from '../../lib/node-subject';
import { IsModelTree, StratumRequest, type FilterTree } from '../model/model.query';

/**
 * The quantile probabilities the consortium publishes: a site releases quantiles at these and no
 * others. Free probabilities let a researcher pick two that interpolate between the same two order
 * statistics and solve for both records' exact values.
 */
export const PUBLISHED_PROBABILITIES: readonly number[] = Object.freeze([0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]);

/** Most quantile probabilities and histogram bins one request may ask for. */
export const SummaryLimits = { probabilities: 99, histogramEdges: 101 } as const;

/** Bin edges of one column's histogram: bins are [e0,e1), [e1,e2), …, [e(n-1),en]. */
export class HistogramRequest {
  @ApiProperty({ description: 'A column among `columns`' })
  @IsLedgerText(LedgerLimits.columnName)
  column!: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'number' },
    minItems: 2,
    maxItems: SummaryLimits.histogramEdges,
    description: 'Bin edges, strictly increasing: bins [e0,e1), …, [e(n-1),en]',
  })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(SummaryLimits.histogramEdges)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  edges!: number[];
}

/**
 * Quantile probabilities and histogram edges: what a researcher asks of an analysis and the
 * aggregation service passes on unchanged to every site (so every site bins alike and bins pool).
 */
export class SummaryOptions {
  /** Quantile probabilities (with the `quantiles` statistic); a site releases only published ones ({@link PUBLISHED_PROBABILITIES}) inside its band. */
  @ApiProperty({
    type: 'array',
    items: { type: 'number', minimum: 0, maximum: 1 },
    minItems: 1,
    maxItems: SummaryLimits.probabilities,
    description: 'Quantile probabilities (with `quantiles`); sites release only published ones inside their band (default 5%–95%)',
  })
  @OptionalField()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SummaryLimits.probabilities)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  @Min(0, { each: true })
  @Max(1, { each: true })
  probabilities?: number[];

  /** Bin edges per column (with the `histogram` statistic). */
  @ApiProperty({ type: [HistogramRequest], maxItems: LedgerLimits.columns, description: 'Bin edges per column (with `histogram`)' })
  @OptionalField()
  @IsArray()
  @ArrayMaxSize(LedgerLimits.columns)
  @ValidateNested({ each: true })
  @Type(() => HistogramRequest)
  histograms?: HistogramRequest[];
}

/** Checks bin edges: at least two, finite and strictly increasing. */
export function edgesProblem(edges: readonly number[]): string | undefined {
  if (edges.length < 2) return 'a histogram needs at least two edges';
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i] ?? NaN;
    if (!Number.isFinite(e)) return `edge ${i} is not a finite number`;
    if (i > 0 && !(e > (edges[i - 1] ?? NaN))) return `edges must increase strictly (edge ${i} is ${e})`;
  }
  return undefined;
}

/** What {@link summaryRequestProblem} reads: the fields an analysis and a site's summary request share. */
export interface SummaryRequestFields {
  columns: readonly string[];
  statistics: readonly LedgerStatistic[];
  probabilities?: readonly number[];
  histograms?: readonly { column: string; edges: readonly number[] }[];
}

/**
 * THE consistency rule of a summary request, beyond each field's own check: the aggregation service
 * applies it to an analysis before asking any site, and every site to each summary request, so no
 * site is asked a question it would refuse and a site refuses what the aggregator would. The problem
 * in words, or undefined.
 */
export function summaryRequestProblem(p: SummaryRequestFields): string | undefined {
  const asked = p.statistics;
  if (p.probabilities !== undefined && !asked.includes('quantiles')) return 'probabilities were given without the quantiles statistic';
  if (asked.includes('quantiles') && (p.probabilities ?? []).length === 0) return 'the quantiles statistic needs probabilities';
  if (p.histograms !== undefined && !asked.includes('histogram')) return 'histogram edges were given without the histogram statistic';
  if (asked.includes('histogram') && (p.histograms ?? []).length === 0) return 'the histogram statistic needs bin edges for at least one column';
  const seen = new Set<string>();
  for (const h of p.histograms ?? []) {
    if (!p.columns.includes(h.column)) return `histogram column "${h.column}" is not among the requested columns`;
    if (seen.has(h.column)) return `histogram column "${h.column}" is given twice`;
    seen.add(h.column);
    const problem = edgesProblem(h.edges);
    if (problem !== undefined) return `histogram of "${h.column}": ${problem}`;
  }
  return undefined;
}

/**
 * Per-column summaries of one dataset, for one analysis, on behalf of one requester. The node
 * answers only if the ledger holds a committed, unrevoked, unexpired grant of `requester` covering
 * the columns and statistics, and only after re-hashing the file against the on-chain hash. No row
 * ever travels: only aggregates that passed the node's disclosure policy, signed by the node.
 */
export class Payload extends SummaryOptions {
  /** The analysis this summary is for; echoed in the signed body so a summary cannot be replayed for another. */
  @IsLedgerId()
  analysisId!: string;

  @IsLedgerId()
  datasetId!: string;

  /** Pseudonymous id of the researcher whose grant is checked. */
  @IsLedgerId()
  requester!: string;

  @IsColumnList(1)
  columns!: string[];

  @IsStatisticList(1)
  statistics!: LedgerStatistic[];

  /**
   * Under a dp grant: the transaction id of the analysis' budget reservation (`budget:reserveBudget`,
   * whose id is `analysisId`). The site computes only if that committed reservation names this
   * analysis, requester, grant and dataset and exactly the noisy quantities the request needs.
   */
  @OptionalField()
  @IsLedgerId()
  reservationTxId?: string;

  /**
   * A subset (libs/modelling's filter language, parsed against the schema by `parseFilter`): every
   * number is over the records it selects, and nothing is released unless it and its complement
   * reach the site's minimum count (nfilter.subset). The grant must cover the columns it reads.
   */
  @OptionalField()
  @IsModelTree('parseFilter')
  filter?: FilterTree;

  /**
   * A stratum: each of its levels (within the subset) gets the statistics too, in `strata`; a level
   * that it or its complement would isolate below the minimum count is left out, not even named.
   */
  @OptionalField()
  @ValidateNested()
  @Type(() => StratumRequest)
  stratum?: StratumRequest;
}

/** A noisy number a dp site released, and the standard deviation of its noise. */
export interface NoisyNumber {
  value: number;
  sd: number;
}

/**
 * One column released in dp mode: the planned quantities, each with fresh discrete Gaussian noise
 * at the site, over the owner's declared grid (`@phdmf/statistics` `DpNoisyColumn`). Sums are of the
 * clamped values centred on `center`; the histogram has every cell of the grid, empty ones too.
 */
export interface NoisyColumn {
  grid: { lower: number; upper: number; binWidth: number };
  center: number;
  resolution: number;
  count?: NoisyNumber;
  missing?: NoisyNumber;
  sum?: NoisyNumber;
  sumSquares?: NoisyNumber;
  histogram?: { edges: number[]; counts: number[]; sd: number };
}

/** How a column's values were typed at upload. */
export type ColumnType = 'numeric' | 'categorical' | 'date';

/** Why a number was not released. */
export interface Withheld {
  /** `DISCLOSURE.BELOW_THRESHOLD`, `DISCLOSURE.QUANTILE_OUTSIDE_BAND`, `DISCLOSURE.NOT_NUMERIC`, … */
  code: string;
  reason: string;
}

/** One quantile: probability and value. */
export interface QuantileValue {
  p: number;
  value: number;
}

/** A histogram over the requested edges; a bin whose count is below the threshold is `null`. */
export interface Histogram {
  edges: number[];
  counts: (number | null)[];
  /** Values below the first edge / above the last one (null when below the threshold). */
  below: number | null;
  above: number | null;
}

/**
 * The numbers of one column as released under a disclosure policy: what a site's summary
 * (`ColumnSummary`) and an analysis's pooled column (`AnalysisColumn`) have in common. Only the
 * statistics asked for (and allowed) are present.
 */
export interface ReleasedColumn {
  name: string;
  /** Always present in a site's summary (`ColumnSummary`); a pooled column takes it from its sites. */
  type?: ColumnType;
  /** Present when the whole column was suppressed; no number of it is released then. */
  suppressed?: Withheld;
  count?: number;
  missing?: number;
  sum?: number;
  mean?: number;
  /** The sample variance (n-1). */
  variance?: number;
  sd?: number;
  min?: number;
  max?: number;
  /** False when min and max were perturbed outwards (a site's policy default; pooled: at any site): they are bounds, not values. */
  minMaxExact?: boolean;
  histogram?: Histogram;
  /** Statistics asked for but not released for this column, with the reason. */
  withheld?: Record<string, Withheld>;
}

/**
 * One site's summary of a column. Pooling across sites is exact with `count`, `mean` and `m2`
 * (the parallel-variance formula): a site releases `m2` for the pool, the pool does not pass it on.
 */
export interface ColumnSummary extends ReleasedColumn {
  type: ColumnType;
  /** Under a dp grant: the column's noisy quantities (then no exact number is in the summary). */
  noisy?: NoisyColumn;
  /** Sum of squared deviations from the mean: what pools variance exactly. */
  m2?: number;
  quantiles?: QuantileValue[];
}

/** The disclosure policy a node applied, as it applied it. */
export interface DisclosurePolicyView {
  minCount: number;
  exactMinMax: boolean;
  quantileBand: [number, number];
  maxHistogramBins: number;
  /** Perturbation of min/max as a fraction of the range. */
  minMaxNoise: number;
}

/**
 * The consortium's published disclosure floor (DataSHIELD's defaults): a site may be stricter,
 * never looser. Sites start from it; the aggregation service refuses a summary whose signed policy
 * is looser (`policyBelowFloor`).
 */
export const DISCLOSURE_FLOOR: Readonly<DisclosurePolicyView> = Object.freeze({
  minCount: 3,
  exactMinMax: false,
  quantileBand: Object.freeze([0.05, 0.95]) as unknown as [number, number],
  maxHistogramBins: 100,
  minMaxNoise: 0.05,
});

/** How a site's policy is looser than the floor, or undefined when it is not. */
export function policyBelowFloor(policy: DisclosurePolicyView, floor: Readonly<DisclosurePolicyView> = DISCLOSURE_FLOOR): string | undefined {
  const looser: string[] = [];
  if (!(policy.minCount >= floor.minCount)) looser.push(`minimum cell count ${policy.minCount} < ${floor.minCount}`);
  if (policy.exactMinMax && !floor.exactMinMax) looser.push('exact min/max');
  if (!(policy.quantileBand[0] >= floor.quantileBand[0]) || !(policy.quantileBand[1] <= floor.quantileBand[1])) {
    looser.push(`quantile band ${policy.quantileBand.join('–')} wider than ${floor.quantileBand.join('–')}`);
  }
  if (!(policy.maxHistogramBins <= floor.maxHistogramBins)) looser.push(`${policy.maxHistogramBins} histogram bins > ${floor.maxHistogramBins}`);
  if (!(policy.minMaxNoise >= floor.minMaxNoise)) looser.push(`min/max noise ${policy.minMaxNoise} < ${floor.minMaxNoise}`);
  return looser.length > 0 ? looser.join('; ') : undefined;
}

/** What the node signs. */
export interface SummaryBody {
  nodeId: string;
  organisationId: string;
  analysisId: string;
  datasetId: string;
  datasetVersion: number;
  /** The hash the file was re-checked against (equal to the on-chain hash). */
  sha256: string;
  requester: string;
  /** The access request whose grant the ledger found in force. */
  grantRequestId: string;
  rowCount: number;
  computedAt: string;
  /**
   * The node's own wall time for this summary, in milliseconds: from the request's arrival to the
   * signature (grant check, re-hash, computation, disclosure control). Lets whoever pooled the
   * summaries tell the sites' time from their own overhead.
   */
  computeMillis: number;
  policy: DisclosurePolicyView;
  /** Under a dp grant: the budget reservation the noise was paid by (its id is `analysisId`). */
  privacy?: { mode: 'dp'; reservationTxId: string };
  /** With a filter: the records it selected (`columns` are over them). */
  subsetCount?: number;
  columns: ColumnSummary[];
  /** With a stratum: the releasable levels (in the levels' code-point order), each with its records and columns. */
  strata?: { column: string; levels: StratumLevelSummary[] };
}

/** One level of a stratum: its records (within the subset) and the columns' summaries over them. */
export interface StratumLevelSummary {
  level: string;
  rowCount: number;
  columns: ColumnSummary[];
}

/** A signed summary: verify with `verifyNodeSignature(body, signature, member.nodePublicKey)`. */
export interface Result {
  body: SummaryBody;
  signature: NodeSignature;
}

/** The summary query of one storage node: `phdmf.storage.<nodeId>.qry.summarize.v1`. */
export const contractFor = perNodeContracts<Payload, Result>((nodeId) => perNodeContract<Payload, Result>('query', nodeId, 'summarize', 1, Payload));
