import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import {
  AuthorizationDenyAccess,
  AuthorizationGrantAccess,
  AuthorizationListAccessRequests,
  AuthorizationRequestAccess,
  AuthorizationRevokeAccess,
  AuthorizationSetStance,
  IsLedgerId,
  IsLedgerText,
  LedgerLimits,
  OptionalField,
  type LedgerRequestStatus,
} from '@phdmf/contracts';
import { CanonicalInt } from '../edge/validation';

// Request bodies are the contracts' own payload classes (validated and documented once, in
// libs/contracts); the edge names them for the OpenAPI document and leaves out what the path carries.
// Queries and path parameters are the edge's own shapes (strings in a URL).

const SCOPES = AuthorizationListAccessRequests.ACCESS_REQUEST_SCOPES;
const STATUSES = AuthorizationListAccessRequests.ACCESS_REQUEST_STATUSES;

export class MarketQueryDto {
  @ApiPropertyOptional({ description: 'Text to find in the name or description (case-insensitive)', maxLength: 200 })
  @OptionalField()
  @IsLedgerText(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Owner institution (member id)' })
  @OptionalField()
  @IsLedgerId()
  institution?: string;

  @ApiPropertyOptional({ description: 'A column the dataset must have (exact name)' })
  @OptionalField()
  @IsLedgerText(LedgerLimits.columnName)
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
  @IsLedgerId()
  datasetId!: string;
}

export class StanceDto extends OmitType(AuthorizationSetStance.Payload, ['datasetId']) {}

export class AccessRequestDto extends AuthorizationRequestAccess.Payload {}

export class GrantDto extends OmitType(AuthorizationGrantAccess.Payload, ['requestId']) {}

export class DenyDto extends OmitType(AuthorizationDenyAccess.Payload, ['requestId']) {}

export class RevokeDto extends OmitType(AuthorizationRevokeAccess.Payload, ['requestId']) {}

export class RequestIdParam {
  @ApiProperty({ description: 'Access request id' })
  @IsLedgerId()
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

  @OptionalField()
  @IsLedgerId()
  datasetId?: string;
}
