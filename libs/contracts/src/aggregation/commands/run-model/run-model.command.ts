import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsObject, ValidateNested } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import { OptionalField } from '../../../lib/optional';
import { LEDGER_MODEL_KINDS, type LedgerModelKind } from '../../../ledger/lib/records';
import { IsColumnList, IsLedgerText, LedgerLimits } from '../../../ledger/lib/validation';
import type { ModelAnalysisResult } from '../../lib/model-views';
import { IsDatasetIdList } from '../../lib/validation';

export const SUBJECT = 'phdmf.aggregation.cmd.run-model.v1';

/** Numeric columns of one correlation matrix. */
export const MAX_CORRELATION_COLUMNS = 50;

/** A stratum: a categorical column (its levels) or a numeric column with a declared grid (its bands). */
export class StratumSpec {
  @ApiProperty({ description: 'A categorical column, or a numeric column with a grid declared by the owner (its bands)' })
  @IsLedgerText(LedgerLimits.columnName)
  column!: string;
}

/** A one- or two-way contingency table. */
export class TableSpec {
  @ApiProperty({ type: StratumSpec, description: 'The rows\' stratum' })
  @ValidateNested()
  @Type(() => StratumSpec)
  rows!: StratumSpec;

  @ApiPropertyOptional({ type: StratumSpec, description: 'The columns\' stratum; absent: a one-way table (one column labelled "")' })
  @OptionalField()
  @ValidateNested()
  @Type(() => StratumSpec)
  columns?: StratumSpec;
}

/** Pearson correlation and covariance of numeric columns, pairwise complete. */
export class CorrelationSpec {
  @ApiProperty({ description: 'Numeric columns (2 to 50)' })
  @IsColumnList(2)
  @ArrayMaxSize(MAX_CORRELATION_COLUMNS)
  columns!: string[];
}

/** The GLM families (R's gaussian/identity, binomial/logit, poisson/log); libs/modelling's GLM_FAMILIES. */
export const MODEL_FAMILIES = ['gaussian', 'binomial', 'poisson'] as const;

/** A generalized linear model, fitted by IRLS across the sites. */
export class GlmSpec {
  @ApiProperty({ enum: MODEL_FAMILIES })
  @IsIn(MODEL_FAMILIES)
  family!: (typeof MODEL_FAMILIES)[number];

  @ApiProperty({ description: 'A numeric column (binomial: 0/1; poisson: a count)' })
  @IsLedgerText(LedgerLimits.columnName)
  outcome!: string;

  @ApiProperty({ description: 'Numeric or categorical columns; an intercept is always fitted' })
  @IsColumnList(0)
  covariates!: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    description: 'Each categorical covariate\'s levels, the reference first (an indicator per other level, named column+level as R does)',
  })
  @OptionalField()
  @IsObject()
  levels?: Record<string, string[]>;

  @ApiPropertyOptional({ description: 'A numeric column added to the linear predictor with coefficient 1' })
  @OptionalField()
  @IsLedgerText(LedgerLimits.columnName)
  offset?: string;
}

/**
 * A federated model over several datasets, for the acting user: a contingency table with the
 * chi-square test, a correlation matrix, or a GLM — `kind` says which, and the field of that name
 * holds it. Refused before any site is asked unless each dataset has the requester's committed grant
 * in force covering the kind and every column the request reads (the subset's too). Each dataset's
 * schema on the chain checks the filter and the model first. Answered after the model is recorded
 * on-chain as one analysis.
 */
export class Payload {
  @ApiProperty({ enum: LEDGER_MODEL_KINDS, description: 'Which model; the grant must cover this statistic' })
  @IsIn(LEDGER_MODEL_KINDS)
  kind!: LedgerModelKind;

  @ApiProperty({ description: 'Dataset ids (from the data market); each needs your committed grant in force' })
  @IsDatasetIdList()
  datasets!: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'A subset: leaves { "column", "op", "value" } (op = != < <= > >= in, or "is missing" without a value), nodes { "and": [...] }, { "or": [...] }, { "not": ... }. ' +
      'A comparison with a missing value is false. Each site refuses a subset, or its complement, with fewer records than its threshold',
  })
  @OptionalField()
  @IsObject()
  filter?: Record<string, unknown>;

  @ApiPropertyOptional({ type: TableSpec, description: 'With kind "table"' })
  @OptionalField()
  @ValidateNested()
  @Type(() => TableSpec)
  table?: TableSpec;

  @ApiPropertyOptional({ type: CorrelationSpec, description: 'With kind "correlation"' })
  @OptionalField()
  @ValidateNested()
  @Type(() => CorrelationSpec)
  correlation?: CorrelationSpec;

  @ApiPropertyOptional({ type: GlmSpec, description: 'With kind "glm"' })
  @OptionalField()
  @ValidateNested()
  @Type(() => GlmSpec)
  glm?: GlmSpec;
}

export type Result = ModelAnalysisResult;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
