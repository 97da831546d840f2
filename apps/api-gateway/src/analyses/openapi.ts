// Response shapes of the analyses endpoints for the OpenAPI document. The wire types are the
// interfaces in @phdmf/contracts, which carry no run-time metadata; each class here `implements` its
// interface, so a field added to or changed in the contract fails the type check until it is
// documented here too.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  LEDGER_STATISTICS,
  type AnalysisColumn,
  type AnalysisDataset,
  type AnalysisNoise,
  type AnalysisQuantile,
  type AnalysisResult,
  type AnalysisSite,
  type LedgerStatistic,
  type NoiseView,
  type StorageSummarize,
  type Withholding,
} from '@phdmf/contracts';

export class WithholdingResponse implements Withholding {
  @ApiProperty({ example: 'DISCLOSURE.POOL_BELOW_THRESHOLD' }) code!: string;
  @ApiProperty() reason!: string;
}

export class QuantileResponse implements AnalysisQuantile {
  @ApiProperty() p!: number;
  @ApiProperty() value!: number;
  @ApiProperty() approximate!: boolean;
  @ApiProperty({ enum: ['single-site', 'pooled-histogram', 'count-weighted-mean'] }) method!: AnalysisQuantile['method'];
  @ApiPropertyOptional({ type: [Number], minItems: 2, maxItems: 2, description: 'With pooled-histogram: the bin the true quantile lies in' }) bounds?: [number, number];
}

export class HistogramResponse implements StorageSummarize.Histogram {
  @ApiProperty({ type: [Number] }) edges!: number[];
  @ApiProperty({ type: [Number], nullable: true, description: 'null: withheld (below the threshold, blanked by a site, or withheld with one of those so that it cannot be recovered from the count)' }) counts!: (number | null)[];
  @ApiProperty({ nullable: true }) below!: number | null;
  @ApiProperty({ nullable: true }) above!: number | null;
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
  @ApiPropertyOptional() count?: number;
  @ApiPropertyOptional() missing?: number;
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

export class AnalysisDatasetResponse implements AnalysisDataset {
  @ApiProperty() datasetId!: string;
  @ApiProperty() nodeId!: string;
  @ApiProperty() ownerMemberId!: string;
  @ApiProperty() sha256!: string;
  @ApiProperty() datasetVersion!: number;
  @ApiProperty() grantRequestId!: string;
  @ApiProperty({ enum: ['used', 'failed'] }) status!: AnalysisDataset['status'];
  @ApiPropertyOptional({ type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } }) error?: { code: string; message: string };
  @ApiPropertyOptional({ description: 'The node\'s own time for its summary (signed)' }) computeMillis?: number;
}

export class AnalysisSiteResponse implements AnalysisSite {
  @ApiProperty() nodeId!: string;
  @ApiProperty() datasetId!: string;
  @ApiProperty({ type: [AnalysisColumnResponse] }) columns!: AnalysisColumnResponse[];
}

export class AnalysisResponse implements Omit<AnalysisResult, 'request'> {
  @ApiProperty() analysisId!: string;
  @ApiProperty({ enum: ['complete', 'partial'] }) status!: AnalysisResult['status'];
  @ApiProperty() requester!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The request as asked' }) request!: Record<string, unknown>;
  @ApiProperty({ enum: LEDGER_STATISTICS, isArray: true, description: 'Asked of the sites and recorded on-chain' }) siteStatistics!: LedgerStatistic[];
  @ApiProperty() poolMinCount!: number;
  @ApiProperty({ type: [AnalysisDatasetResponse] }) datasets!: AnalysisDatasetResponse[];
  @ApiProperty({ type: [AnalysisColumnResponse] }) columns!: AnalysisColumnResponse[];
  @ApiPropertyOptional({ type: [AnalysisSiteResponse], description: 'Only with breakdown' }) sites?: AnalysisSiteResponse[];
  @ApiPropertyOptional({
    type: 'object',
    properties: { mode: { type: 'string', enum: ['dp'] }, rho: { type: 'number' }, reservationTxId: { type: 'string' } },
    description: 'dp mode: the ρ spent on each grant and the on-chain budget reservation that paid it',
  })
  privacy?: { mode: 'dp'; rho: number; reservationTxId: string };
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'Hex SHA-256 of the canonical JSON of this object without resultHash, txId and blockNumber; recorded on-chain' }) resultHash!: string;
  @ApiProperty() txId!: string;
  @ApiProperty() blockNumber!: number;
}

export class AnalysisSummaryResponse {
  @ApiProperty() analysisId!: string;
  @ApiProperty({ enum: ['complete', 'partial'] }) status!: string;
  @ApiProperty() requester!: string;
  @ApiProperty({ type: [String] }) datasets!: string[];
  @ApiProperty({ type: [String] }) columns!: string[];
  @ApiProperty({ enum: LEDGER_STATISTICS, isArray: true }) statistics!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() resultHash!: string;
  @ApiProperty() txId!: string;
  @ApiProperty() blockNumber!: number;
}

export class AnalysisListResponse {
  @ApiProperty({ type: [AnalysisSummaryResponse] }) items!: AnalysisSummaryResponse[];
}
