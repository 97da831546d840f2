// Response shapes of the model analyses (issue 16) for the OpenAPI document, each class held to
// exactly its contract interface (DocumentsExactly), as openapi.ts does for the summaries.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ANALYSIS_ID_PATTERN,
  LEDGER_MODEL_KINDS,
  type ChiSquareView,
  type CorrelationMatrixView,
  type CorrelationPairView,
  type GlmCoefficientView,
  type GlmFitView,
  type LedgerModelKind,
  type ModelAnalysisResult,
  type ModelRequestView,
  type PooledTableView,
} from '@phdmf/contracts';
import { BLOCK_NUMBER, INTEGER, type DocumentsExactly } from '../edge/openapi-schemas';
import { AnalysisDatasetResponse } from './openapi';

const COUNT = { type: 'integer', minimum: 0 } as const;
const NUMBER_PAIR = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 } as const;
const FAMILIES = ['gaussian', 'binomial', 'poisson'] as const;

export class StratumViewResponse {
  @ApiProperty() column!: string;
}

export class TableRequestResponse {
  @ApiProperty({ type: StratumViewResponse }) rows!: StratumViewResponse;
  @ApiPropertyOptional({ type: StratumViewResponse }) columns?: StratumViewResponse;
}

export class CorrelationRequestResponse {
  @ApiProperty({ type: [String] }) columns!: string[];
}

export class GlmRequestResponse {
  @ApiProperty({ enum: FAMILIES }) family!: (typeof FAMILIES)[number];
  @ApiProperty() outcome!: string;
  @ApiProperty({ type: [String] }) covariates!: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } }) levels?: Record<string, string[]>;
  @ApiPropertyOptional() offset?: string;
}

export class ModelRequestResponse implements ModelRequestView {
  @ApiProperty({ enum: LEDGER_MODEL_KINDS }) kind!: LedgerModelKind;
  @ApiProperty({ type: [String] }) datasets!: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The subset as asked' }) filter?: Record<string, unknown>;
  @ApiPropertyOptional({ type: TableRequestResponse }) table?: TableRequestResponse;
  @ApiPropertyOptional({ type: CorrelationRequestResponse }) correlation?: CorrelationRequestResponse;
  @ApiPropertyOptional({ type: GlmRequestResponse }) glm?: GlmRequestResponse;
}

export class ChiSquareResponse implements ChiSquareView {
  @ApiProperty({ minimum: 0 }) statistic!: number;
  @ApiProperty({ ...INTEGER, minimum: 1 }) df!: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) pValue!: number;
}

export class PooledTableResponse implements PooledTableView {
  @ApiProperty({ type: [String], description: 'Row levels (code-point order); a numeric stratum\'s bands are labelled "[lo,hi)", "<lo", ">=hi"' }) rows!: string[];
  @ApiProperty({ type: [String], description: 'Column levels; a one-way table has one column, ""' }) columns!: string[];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { ...COUNT, nullable: true } }, description: 'counts[row][column]; null: withheld by a site (a small cell), so withheld in the pool' })
  counts!: (number | null)[][];
  @ApiProperty({ type: 'array', items: { ...COUNT, nullable: true } }) rowTotals!: (number | null)[];
  @ApiProperty({ type: 'array', items: { ...COUNT, nullable: true } }) columnTotals!: (number | null)[];
  @ApiProperty({ ...COUNT, nullable: true }) total!: number | null;
  @ApiPropertyOptional({ type: ChiSquareResponse, description: 'Pearson\'s test of independence (R\'s chisq.test(correct = FALSE)); absent when a cell is withheld' }) chiSquare?: ChiSquareResponse;
}

export class CorrelationPairResponse implements CorrelationPairView {
  @ApiProperty({ type: [String], minItems: 2, maxItems: 2 }) columns!: [string, string];
  @ApiProperty(COUNT) n!: number;
  @ApiProperty({ type: 'number', nullable: true }) covariance!: number | null;
  @ApiProperty({ type: 'number', nullable: true, minimum: -1, maximum: 1 }) r!: number | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'R\'s cor.test: t on n − 2 df, two-sided' }) pValue!: number | null;
  @ApiProperty({ ...NUMBER_PAIR, nullable: true, description: 'Fisher-z interval of r (needs n > 3)' }) interval!: [number, number] | null;
}

export class CorrelationMatrixResponse implements CorrelationMatrixView {
  @ApiProperty({ type: [String] }) columns!: string[];
  @ApiProperty({ type: 'array', items: { type: 'array', items: COUNT }, description: 'Records with both values, per pair (pairwise complete)' }) n!: number[][];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number', nullable: true } } }) covariance!: (number | null)[][];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number', nullable: true } } }) correlation!: (number | null)[][];
  @ApiProperty({ type: [CorrelationPairResponse] }) pairs!: CorrelationPairResponse[];
  @ApiProperty({ minimum: 0, maximum: 1 }) level!: number;
}

export class GlmCoefficientResponse implements GlmCoefficientView {
  @ApiProperty({ description: '(Intercept), a numeric covariate, or column+level for an indicator (as R names them)' }) name!: string;
  @ApiProperty() estimate!: number;
  @ApiProperty() standardError!: number;
  @ApiProperty({ description: 't (gaussian) or z' }) statistic!: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) pValue!: number;
  @ApiProperty({ ...NUMBER_PAIR, description: 'Wald interval (R\'s confint.default)' }) interval!: [number, number];
}

export class GlmFitResponse implements GlmFitView {
  @ApiProperty({ enum: FAMILIES }) family!: GlmFitView['family'];
  @ApiProperty({ type: [GlmCoefficientResponse] }) coefficients!: GlmCoefficientResponse[];
  @ApiProperty({ type: [Number], description: 'The coefficients\' covariance, row-major' }) covariance!: number[];
  @ApiProperty({ enum: ['t', 'z'] }) statistic!: 't' | 'z';
  @ApiProperty() dispersion!: number;
  @ApiProperty() deviance!: number;
  @ApiProperty() nullDeviance!: number;
  @ApiProperty(INTEGER) dfResidual!: number;
  @ApiProperty(INTEGER) dfNull!: number;
  @ApiProperty() aic!: number;
  @ApiProperty(COUNT) n!: number;
  @ApiProperty({ ...COUNT, description: 'IRLS iterations (each a step at every site); recorded on-chain' }) iterations!: number;
  @ApiProperty() converged!: boolean;
  @ApiProperty({ minimum: 0, maximum: 1 }) level!: number;
}

export class ModelAnalysisResponse implements ModelAnalysisResult {
  @ApiProperty({ pattern: ANALYSIS_ID_PATTERN.source }) analysisId!: string;
  @ApiProperty({ enum: LEDGER_MODEL_KINDS }) kind!: LedgerModelKind;
  @ApiProperty({ enum: ['complete'] }) status!: 'complete';
  @ApiProperty() requester!: string;
  @ApiProperty({ type: ModelRequestResponse }) request!: ModelRequestResponse;
  @ApiProperty({ type: [String], description: 'Every column the request read (the subset\'s included): what each grant covers, as recorded on-chain' }) columns!: string[];
  @ApiProperty({ type: [AnalysisDatasetResponse] }) datasets!: AnalysisDatasetResponse[];
  @ApiPropertyOptional({ type: PooledTableResponse, description: 'kind "table"' }) table?: PooledTableResponse;
  @ApiPropertyOptional({ type: CorrelationMatrixResponse, description: 'kind "correlation"' }) correlation?: CorrelationMatrixResponse;
  @ApiPropertyOptional({ type: GlmFitResponse, description: 'kind "glm"' }) glm?: GlmFitResponse;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'Hex SHA-256 of the canonical JSON of this object without resultHash, txId and blockNumber; recorded on-chain' }) resultHash!: string;
  @ApiProperty() txId!: string;
  @ApiProperty(BLOCK_NUMBER) blockNumber!: number;
}

const _documentedExactly: [
  DocumentsExactly<ModelRequestResponse, ModelRequestView>,
  DocumentsExactly<ChiSquareResponse, ChiSquareView>,
  DocumentsExactly<PooledTableResponse, PooledTableView>,
  DocumentsExactly<CorrelationPairResponse, CorrelationPairView>,
  DocumentsExactly<CorrelationMatrixResponse, CorrelationMatrixView>,
  DocumentsExactly<GlmCoefficientResponse, GlmCoefficientView>,
  DocumentsExactly<GlmFitResponse, GlmFitView>,
  DocumentsExactly<ModelAnalysisResponse, ModelAnalysisResult>,
] = [true, true, true, true, true, true, true, true];
