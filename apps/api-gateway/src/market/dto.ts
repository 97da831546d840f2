import { ApiProperty, OmitType } from '@nestjs/swagger';
import {
  AuthorizationDenyAccess,
  AuthorizationGrantAccess,
  AuthorizationListAccessRequests,
  AuthorizationRequestAccess,
  AuthorizationRevokeAccess,
  AuthorizationSearchMarket,
  AuthorizationSetStance,
  IsLedgerId,
} from '@phdmf/contracts';

// Request bodies are the contracts' own payload classes (validated and documented once, in
// libs/contracts); the edge names them for the OpenAPI document and leaves out what the path carries.
// Path parameters are the edge's own shapes; a list's query is its contract's payload (limit, cursor,
// filters), whose integers accept the canonical decimal of a query string (`CanonicalInt`).

/** The market's query: the contract's own payload (filters, limit and cursor). */
export class MarketQueryDto extends AuthorizationSearchMarket.Payload {}

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

/** The list's query: the contract's own payload (scope, filters, limit and cursor; the caller comes from the token). */
export class AccessRequestsQueryDto extends AuthorizationListAccessRequests.Payload {}
