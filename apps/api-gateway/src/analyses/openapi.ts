// Response shapes of the analyses endpoints for the OpenAPI document. The wire types are the
// interfaces in @phdmf/contracts, which carry no run-time metadata; each class here `implements` its
// interface and is held to exactly its fields below, so a field added to or changed in the contract
// fails the type check until it is documented here too.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ANALYSIS_ID_PATTERN,
  DATASET_ID_PATTERN,
  LEDGER_STATISTICS,
  LEDGER_SUMMARY_STATISTICS,
  MEMBER_ID_PATTERN,
  UUID_PATTERN,
  type AggregationListAnalyses,
  type AnalysisColumn,
  type AnalysisDataset,
  type AnalysisNoise,
  type AnalysisQuantile,
  type AnalysisRequestView,
  type AnalysisResult,
  type AnalysisSite,
  type AnalysisStratumLevel,
  type AnalysisSummary,
  type LedgerStatistic,
  type NoiseView,
  type StorageSummarize,
  type Withholding,
} from '@phdmf/contracts';
import { BLOCK_NUMBER, INTEGER, PageOf, type DocumentsExactly } from '../edge/openapi-schemas';

const COUNT = { type: 'integer', minimum: 0 } as const;

export class WithholdingResponse implements Withholding {
  @ApiProperty({ example: 'DISCLOSURE.POOL_BELOW_THRESHOLD' }) code!: string;
  @ApiProperty() reason!: string;
}

export class QuantileResponse implements AnalysisQuantile {
  @ApiProperty({ minimum: 0, maximum: 1 }) p!: number;
  @ApiProperty() value!: number;
  @ApiProperty() approximate!: boolean;
  @ApiProperty({ enum: ['single-site', 'pooled-histogram', 'count-weighted-mean'] }) method!: AnalysisQuantile['method'];
  @ApiPropertyOptional({ type: [Number], minItems: 2, maxItems: 2, description: 'With pooled-histogram: the bin the true quantile lies in' }) bounds?: [number, number];
}

export class HistogramResponse implements StorageSummarize.Histogram {
  @ApiProperty({ type: [Number] }) edges!: number[];
  @ApiProperty({
    type: 'array',
    items: { ...COUNT, nullable: true },
    description: 'Count per bin; null: withheld (below the threshold, blanked by a site, or withheld with one of those so that it cannot be recovered from the count)',
  })
  counts!: (number | null)[];
  @ApiProperty({ ...COUNT, nullable: true, description: 'Values below the first edge; null when withheld' }) below!: number | null;
  @ApiProperty({ ...COUNT, nullable: true, description: 'Values above the last edge; null when withheld' }) above!: number | null;
}

export class NoiseResponse implements NoiseView {
  @ApiProperty({ description: 'Standard deviation of the noise added to this number (dp mode)' }) sd!: number;
  @ApiProperty({ type: [Number], minItems: 2, maxItems: 2, description: '95 % interval for the noise-free value' }) interval!: [number, number];
}

export class QuantileNoiseResponse extends NoiseResponse {
  @ApiProperty() p!: number;
}

export class AnalysisNoiseResponse implements AnalysisNoise {
  @ApiPropertyOptional({ type: NoiseResponse }) count?: NoiseResponse;
  @ApiPropertyOptional({ type: NoiseResponse }) missing?: NoiseResponse;
  @ApiPropertyOptional({ type: NoiseResponse }) sum?: NoiseResponse;
  @ApiPropertyOptional({ type: NoiseResponse }) mean?: NoiseResponse;
  @ApiPropertyOptional({ type: NoiseResponse }) variance?: NoiseResponse;
  @ApiPropertyOptional({ type: NoiseResponse }) sd?: NoiseResponse;
  @ApiPropertyOptional({ type: [QuantileNoiseResponse] }) quantiles?: QuantileNoiseResponse[];
  @ApiPropertyOptional({ type: [NoiseResponse], description: 'Per cell of histogram.counts' }) histogram?: NoiseResponse[];
}

export class AnalysisColumnResponse implements AnalysisColumn {
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ enum: ['numeric', 'categorical', 'date'] }) type?: StorageSummarize.ColumnType;
  @ApiPropertyOptional({ type: WithholdingResponse, description: 'The whole column is withheld: no number of it is released' }) suppressed?: WithholdingResponse;
  @ApiPropertyOptional(COUNT) count?: number;
  @ApiPropertyOptional(COUNT) missing?: number;
  @ApiPropertyOptional() sum?: number;
  @ApiPropertyOptional() mean?: number;
  @ApiPropertyOptional({ description: 'Sample variance (n − 1), pooled exactly' }) variance?: number;
  @ApiPropertyOptional() sd?: number;
  @ApiPropertyOptional() min?: number;
  @ApiPropertyOptional() max?: number;
  @ApiPropertyOptional({ description: 'false: min and max are bounds (sites moved them outwards)' }) minMaxExact?: boolean;
  @ApiPropertyOptional({ type: [QuantileResponse] }) quantiles?: QuantileResponse[];
  @ApiPropertyOptional({ type: HistogramResponse }) histogram?: HistogramResponse;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { $ref: '#/components/schemas/WithholdingResponse' }, description: 'Statistics asked for but withheld, with the reason' })
  withheld?: Record<string, WithholdingResponse>;
  @ApiPropertyOptional({ type: AnalysisNoiseResponse, description: 'dp mode: every number here is noisy; per number the sd of its noise and its 95 % interval' })
  noise?: AnalysisNoiseResponse;
}

export class DatasetFailureResponse {
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
}

export class AnalysisDatasetResponse implements AnalysisDataset {
  @ApiProperty({ pattern: DATASET_ID_PATTERN.source }) datasetId!: string;
  @ApiProperty() nodeId!: string;
  @ApiProperty({ pattern: MEMBER_ID_PATTERN.source }) ownerMemberId!: string;
  @ApiProperty() sha256!: string;
  @ApiProperty({ ...INTEGER, minimum: 1 }) datasetVersion!: number;
  @ApiProperty({ pattern: UUID_PATTERN.source }) grantRequestId!: string;
  @ApiProperty({ enum: ['used', 'failed'] }) status!: AnalysisDataset['status'];
  @ApiPropertyOptional({ type: DatasetFailureResponse }) error?: DatasetFailureResponse;
  @ApiPropertyOptional({ type: 'number', minimum: 0, description: 'The node\'s own time for its summary in milliseconds (signed)' }) computeMillis?: number;
}

export class AnalysisSiteResponse implements AnalysisSite {
  @ApiProperty() nodeId!: string;
  @ApiProperty({ pattern: DATASET_ID_PATTERN.source }) datasetId!: string;
  @ApiProperty({ type: [AnalysisColumnResponse] }) columns!: AnalysisColumnResponse[];
}

export class AnalysisHistogramRequestResponse {
  @ApiProperty() column!: string;
  @ApiProperty({ type: [Number] }) edges!: number[];
}

export class AnalysisStratumRequestResponse {
  @ApiProperty() column!: string;
}

export class AnalysisRequestResponse implements AnalysisRequestView {
  @ApiProperty({ type: [String] }) datasets!: string[];
  @ApiProperty({ type: [String] }) columns!: string[];
  @ApiProperty({ enum: LEDGER_SUMMARY_STATISTICS, isArray: true }) statistics!: LedgerStatistic[];
  @ApiPropertyOptional({ type: [Number] }) probabilities?: number[];
  @ApiPropertyOptional({ type: [AnalysisHistogramRequestResponse] }) histograms?: AnalysisHistogramRequestResponse[];
  @ApiProperty() breakdown!: boolean;
  @ApiProperty() allowPartial!: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The subset asked' }) filter?: Record<string, unknown>;
  @ApiPropertyOptional({ type: AnalysisStratumRequestResponse }) stratum?: AnalysisStratumRequestResponse;
}

export class AnalysisStratumLevelResponse implements AnalysisStratumLevel {
  @ApiProperty({ description: 'The level: a category, or a grid band "[lo,hi)", "<lo", ">=hi"' }) level!: string;
  @ApiProperty({ type: [String], description: 'The nodes whose records of this level it holds (a site leaves out a level it would isolate below its threshold)' }) sites!: string[];
  @ApiProperty({ type: [AnalysisColumnResponse] }) columns!: AnalysisColumnResponse[];
}

export class AnalysisStrataResponse {
  @ApiProperty() column!: string;
  @ApiProperty({ type: [AnalysisStratumLevelResponse] }) levels!: AnalysisStratumLevelResponse[];
}

export class AnalysisResponse implements AnalysisResult {
  @ApiProperty({ pattern: ANALYSIS_ID_PATTERN.source }) analysisId!: string;
  @ApiProperty({ enum: ['complete', 'partial'] }) status!: AnalysisResult['status'];
  @ApiProperty() requester!: string;
  @ApiProperty({ type: AnalysisRequestResponse, description: 'The request as asked (defaults filled in)' }) request!: AnalysisRequestResponse;
  @ApiProperty({ enum: LEDGER_SUMMARY_STATISTICS, isArray: true, description: 'Asked of the sites and recorded on-chain' }) siteStatistics!: LedgerStatistic[];
  @ApiProperty({ ...INTEGER, minimum: 1 }) poolMinCount!: number;
  @ApiProperty({ type: [AnalysisDatasetResponse] }) datasets!: AnalysisDatasetResponse[];
  @ApiProperty({ type: [AnalysisColumnResponse] }) columns!: AnalysisColumnResponse[];
  @ApiPropertyOptional({ type: [AnalysisSiteResponse], description: 'Only with breakdown' }) sites?: AnalysisSiteResponse[];
  @ApiPropertyOptional({ type: AnalysisStrataResponse, description: 'Only with a stratum: each level\'s columns, pooled under the pool\'s threshold' }) strata?: AnalysisStrataResponse;
  @ApiPropertyOptional({
    type: 'object',
    properties: { mode: { type: 'string', enum: ['dp'] }, rho: { type: 'number' }, reservationTxId: { type: 'string' } },
    description: 'dp mode: the ρ spent on each grant and the on-chain budget reservation that paid it',
  })
  privacy?: { mode: 'dp'; rho: number; reservationTxId: string };
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'Hex SHA-256 of the canonical JSON of this object without resultHash, txId and blockNumber; recorded on-chain' }) resultHash!: string;
  @ApiProperty() txId!: string;
  @ApiProperty(BLOCK_NUMBER) blockNumber!: number;
}

export class AnalysisSummaryResponse implements AnalysisSummary {
  @ApiProperty({ pattern: ANALYSIS_ID_PATTERN.source }) analysisId!: string;
  @ApiProperty({ enum: ['complete', 'partial'] }) status!: AnalysisSummary['status'];
  @ApiProperty() requester!: string;
  @ApiProperty({ type: [String] }) datasets!: string[];
  @ApiProperty({ type: [String] }) columns!: string[];
  @ApiProperty({ enum: LEDGER_STATISTICS, isArray: true }) statistics!: LedgerStatistic[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() resultHash!: string;
  @ApiProperty() txId!: string;
  @ApiProperty(BLOCK_NUMBER) blockNumber!: number;
}

export class AnalysisListResponse extends PageOf(AnalysisSummaryResponse, 'AnalysisListResponse') implements AggregationListAnalyses.Result {}

const _documentedExactly: [
  DocumentsExactly<WithholdingResponse, Withholding>,
  DocumentsExactly<QuantileResponse, AnalysisQuantile>,
  DocumentsExactly<HistogramResponse, StorageSummarize.Histogram>,
  DocumentsExactly<AnalysisColumnResponse, AnalysisColumn>,
  DocumentsExactly<DatasetFailureResponse, NonNullable<AnalysisDataset['error']>>,
  DocumentsExactly<AnalysisDatasetResponse, AnalysisDataset>,
  DocumentsExactly<AnalysisSiteResponse, AnalysisSite>,
  DocumentsExactly<AnalysisHistogramRequestResponse, NonNullable<AnalysisRequestView['histograms']>[number]>,
  DocumentsExactly<AnalysisRequestResponse, AnalysisRequestView>,
  DocumentsExactly<AnalysisResponse, AnalysisResult>,
  DocumentsExactly<AnalysisSummaryResponse, AnalysisSummary>,
  DocumentsExactly<AnalysisListResponse, AggregationListAnalyses.Result>,
  DocumentsExactly<AnalysisStratumLevelResponse, AnalysisStratumLevel>,
  DocumentsExactly<AnalysisStrataResponse, NonNullable<AnalysisResult['strata']>>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true];
