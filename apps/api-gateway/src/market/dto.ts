import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min, ValidateBy } from 'class-validator';
import {
  AuthorizationListAccessRequests,
  LEDGER_ID_PATTERN,
  LEDGER_STATISTICS,
  LedgerLimits,
  MARKET_STANCES,
  type LedgerRequestStatus,
  type LedgerStatistic,
  type MarketStance,
} from '@phdmf/contracts';

const SCOPES = AuthorizationListAccessRequests.ACCESS_REQUEST_SCOPES;
const STATUSES = AuthorizationListAccessRequests.ACCESS_REQUEST_STATUSES;

function hasControlCharacter(value: string, allowLineBreaks: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const lineBreak = c === 0x09 || c === 0x0a || c === 0x0d;
    if ((c < 0x20 && !(allowLineBreaks && lineBreak)) || c === 0x7f) return true;
  }
  return false;
}

/** No control characters (tab and line breaks allowed when multiline), as the chaincode requires of text. */
function NoControlCharacters(o: { multiline?: boolean; each?: boolean } = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'noControlCharacters',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !hasControlCharacter(value, o.multiline === true),
        defaultMessage: () => `$property must not contain control characters${o.multiline ? ' (other than tab and line breaks)' : ''}`,
      },
    },
    { each: o.each === true },
  );
}

// An ISO-8601 date-time with an explicit offset, as the chaincode takes it (a bare date is refused).
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

export class MarketQueryDto {
  @ApiPropertyOptional({ description: 'Text to find in the name or description (case-insensitive)', maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NoControlCharacters()
  q?: string;

  @ApiPropertyOptional({ description: 'Owner institution (member id)' })
  @IsOptional()
  @IsString()
  @Matches(LEDGER_ID_PATTERN, { message: 'institution must be a member id' })
  institution?: string;

  @ApiPropertyOptional({ description: 'A column the dataset must have (exact name)' })
  @IsOptional()
  @IsString()
  @Length(1, LedgerLimits.columnName)
  @NoControlCharacters()
  column?: string;

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
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
  @NoControlCharacters({ multiline: true })
  purpose!: string;

  @ApiProperty({ type: [String], description: 'Columns of the dataset', minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LedgerLimits.columns)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, LedgerLimits.columnName, { each: true })
  @NoControlCharacters({ each: true })
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
}

export class GrantDto {
  @ApiPropertyOptional({ type: [String], description: 'Narrow to these of the requested columns (default: all requested)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LedgerLimits.columns)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, LedgerLimits.columnName, { each: true })
  @NoControlCharacters({ each: true })
  columns?: string[];

  @ApiPropertyOptional({ enum: LEDGER_STATISTICS, isArray: true, description: 'Narrow to these of the requested statistics (default: all requested); they must include what they are computed from (`count`; `mean` with `variance` or `sd`), else 400 ACCESS.SCOPE_INCOMPLETE' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(LEDGER_STATISTICS, { each: true })
  statistics?: LedgerStatistic[];

  @ApiPropertyOptional({ format: 'date-time', description: 'No later than the requested expiry (default: the requested expiry)' })
  @IsOptional()
  @IsString()
  @IsISO8601({ strict: true })
  @Matches(ISO_WITH_OFFSET, { message: 'expiresAt must be an ISO-8601 date-time with offset, e.g. 2031-01-31T00:00:00Z' })
  expiresAt?: string;

  @ApiPropertyOptional({ maxLength: LedgerLimits.reason })
  @IsOptional()
  @IsString()
  @Length(1, LedgerLimits.reason)
  @NoControlCharacters({ multiline: true })
  reason?: string;

  @ApiPropertyOptional({ default: false, description: 'Cover later versions of the dataset too. Default: the grant covers only the version current now; after an update the researcher is refused (403 ACCESS.VERSION_NOT_COVERED) until a new grant' })
  @IsOptional()
  @IsBoolean()
  followsUpdates?: boolean;
}

export class ReasonDto {
  @ApiProperty({ maxLength: LedgerLimits.reason, description: 'Recorded on-chain and shown to the requester' })
  @IsString()
  @Length(1, LedgerLimits.reason)
  @NoControlCharacters({ multiline: true })
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
  @IsOptional()
  @IsIn(SCOPES)
  scope?: (typeof SCOPES)[number];

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: LedgerRequestStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(LEDGER_ID_PATTERN, { message: 'datasetId must be a ledger id' })
  datasetId?: string;
}
