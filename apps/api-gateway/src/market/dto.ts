import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsNumber, IsPositive, IsString, Length, Matches, Max, Min } from 'class-validator';
import {
  AuthorizationListAccessRequests,
  LEDGER_ID_PATTERN,
  LEDGER_PRIVACY_MODES,
  LEDGER_STATISTICS,
  LedgerLimits,
  MARKET_STANCES,
  OptionalField,
  SafeText,
  type LedgerPrivacyMode,
  type LedgerRequestStatus,
  type LedgerStatistic,
  type MarketStance,
} from '@phdmf/contracts';
import { CanonicalInt } from '../edge/validation';

const SCOPES = AuthorizationListAccessRequests.ACCESS_REQUEST_SCOPES;
const STATUSES = AuthorizationListAccessRequests.ACCESS_REQUEST_STATUSES;

// An ISO-8601 date-time with an explicit offset, as the chaincode takes it (a bare date is refused).
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

export class MarketQueryDto {
  @ApiPropertyOptional({ description: 'Text to find in the name or description (case-insensitive)', maxLength: 200 })
  @OptionalField()
  @IsString()
  @Length(1, 200)
  @SafeText()
  q?: string;

  @ApiPropertyOptional({ description: 'Owner institution (member id)' })
  @OptionalField()
  @IsString()
  @Matches(LEDGER_ID_PATTERN, { message: 'institution must be a member id' })
  institution?: string;

  @ApiPropertyOptional({ description: 'A column the dataset must have (exact name)' })
  @OptionalField()
  @IsString()
  @Length(1, LedgerLimits.columnName)
  @SafeText()
  column?: string;

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @OptionalField()
  @CanonicalInt()
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @OptionalField()
  @CanonicalInt()
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

export class DatasetIdParam {
  @ApiProperty({ description: 'Dataset id (as on-chain)' })
  @IsString()
  @Matches(LEDGER_ID_PATTERN, { message: 'datasetId must be a ledger id' })
  datasetId!: string;
}

export class StanceDto {
  @ApiProperty({ enum: MARKET_STANCES, description: '`closed`: new access requests are refused (ACCESS.DATASET_CLOSED) by the market and by the chaincode; recorded on-chain' })
  @IsIn(MARKET_STANCES)
  stance!: MarketStance;
}

export class AccessRequestDto {
  @ApiProperty({ description: 'Dataset id (from the data market)' })
  @IsString()
  @Matches(LEDGER_ID_PATTERN, { message: 'datasetId must be a ledger id' })
  datasetId!: string;

  @ApiProperty({ maxLength: LedgerLimits.purpose, description: 'What the data will be used for (recorded on-chain)' })
  @IsString()
  @Length(1, LedgerLimits.purpose)
  @SafeText({ multiline: true })
  purpose!: string;

  @ApiProperty({ type: [String], description: 'Columns of the dataset', minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LedgerLimits.columns)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, LedgerLimits.columnName, { each: true })
  @SafeText({ each: true })
  columns!: string[];

  @ApiProperty({
    enum: LEDGER_STATISTICS,
    isArray: true,
    minItems: 1,
    description: 'The request records these plus what an analysis computes them from: `count` always, `mean` with `variance` or `sd`',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(LEDGER_STATISTICS, { each: true })
  statistics!: LedgerStatistic[];

  @ApiProperty({ format: 'date-time', example: '2031-01-31T00:00:00Z', description: 'Until when access is asked for; in the future, with an offset' })
  @IsString()
  @IsISO8601({ strict: true })
  @Matches(ISO_WITH_OFFSET, { message: 'requestedExpiry must be an ISO-8601 date-time with offset, e.g. 2031-01-31T00:00:00Z' })
  requestedExpiry!: string;

  @ApiPropertyOptional({ enum: LEDGER_PRIVACY_MODES, description: 'Proposed privacy mode; the owner decides at grant time. `dp` (differential privacy) needs `budgetRho`' })
  @OptionalField()
  @IsIn(LEDGER_PRIVACY_MODES)
  privacyMode?: LedgerPrivacyMode;

  @ApiPropertyOptional({ minimum: 0, exclusiveMinimum: true, maximum: LedgerLimits.budgetRho, description: 'Proposed zCDP budget ρ of a `dp` grant' })
  @OptionalField()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(LedgerLimits.budgetRho)
  budgetRho?: number;
}

export class GrantDto {
  @ApiPropertyOptional({ type: [String], description: 'Narrow to these of the requested columns (default: all requested)' })
  @OptionalField()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LedgerLimits.columns)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, LedgerLimits.columnName, { each: true })
  @SafeText({ each: true })
  columns?: string[];

  @ApiPropertyOptional({ enum: LEDGER_STATISTICS, isArray: true, description: 'Narrow to these of the requested statistics (default: all requested); they must include what they are computed from (`count`; `mean` with `variance` or `sd`), else 400 ACCESS.SCOPE_INCOMPLETE' })
  @OptionalField()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(LEDGER_STATISTICS, { each: true })
  statistics?: LedgerStatistic[];

  @ApiPropertyOptional({ format: 'date-time', description: 'No later than the requested expiry (default: the requested expiry)' })
  @OptionalField()
  @IsString()
  @IsISO8601({ strict: true })
  @Matches(ISO_WITH_OFFSET, { message: 'expiresAt must be an ISO-8601 date-time with offset, e.g. 2031-01-31T00:00:00Z' })
  expiresAt?: string;

  @ApiPropertyOptional({ maxLength: LedgerLimits.reason })
  @OptionalField()
  @IsString()
  @Length(1, LedgerLimits.reason)
  @SafeText({ multiline: true })
  reason?: string;

  @ApiPropertyOptional({ default: false, description: 'Cover later versions of the dataset too. Default: the grant covers only the version current now; after an update the researcher is refused (403 ACCESS.VERSION_NOT_COVERED) until a new grant' })
  @OptionalField()
  @IsBoolean()
  followsUpdates?: boolean;

  @ApiPropertyOptional({
    enum: LEDGER_PRIVACY_MODES,
    description:
      'The owner\'s choice of protection, recorded on-chain with the grant. `controlled` (default): hardened disclosure control. `dp`: zero-concentrated differential privacy with budget `budgetRho`; every analysis reserves its ρ on-chain and the chaincode refuses one that would exceed it (409 BUDGET.EXHAUSTED). Default: what the request proposed',
  })
  @OptionalField()
  @IsIn(LEDGER_PRIVACY_MODES)
  privacyMode?: LedgerPrivacyMode;

  @ApiPropertyOptional({ minimum: 0, exclusiveMinimum: true, maximum: LedgerLimits.budgetRho, description: 'zCDP budget ρ of a `dp` grant (above 0, at most the consortium maximum); default: the proposed one' })
  @OptionalField()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(LedgerLimits.budgetRho)
  budgetRho?: number;
}

export class ReasonDto {
  @ApiProperty({ maxLength: LedgerLimits.reason, description: 'Recorded on-chain and shown to the requester' })
  @IsString()
  @Length(1, LedgerLimits.reason)
  @SafeText({ multiline: true })
  reason!: string;
}

export class RequestIdParam {
  @ApiProperty({ description: 'Access request id' })
  @IsString()
  @Matches(LEDGER_ID_PATTERN, { message: 'requestId must be a ledger id' })
  requestId!: string;
}

export class AccessRequestsQueryDto {
  @ApiPropertyOptional({ enum: SCOPES, default: 'mine', description: '`mine`: your requests; `incoming`: requests on your institution\'s datasets' })
  @OptionalField()
  @IsIn(SCOPES)
  scope?: (typeof SCOPES)[number];

  @ApiPropertyOptional({ enum: STATUSES })
  @OptionalField()
  @IsIn(STATUSES)
  status?: LedgerRequestStatus;

  @ApiPropertyOptional()
  @OptionalField()
  @IsString()
  @Matches(LEDGER_ID_PATTERN, { message: 'datasetId must be a ledger id' })
  datasetId?: string;
}
