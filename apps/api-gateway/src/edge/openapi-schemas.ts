// Response shapes for the OpenAPI document. The wire types live in @phdmf/contracts (interfaces,
// which carry no run-time metadata); these classes describe the same shapes to @nestjs/swagger.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES } from '@phdmf/contracts';

export class ErrorDetail {
  @ApiProperty({ example: 'VALIDATION.FAILED', description: 'Stable, machine-readable code (see the README table).' })
  code!: string;
  @ApiProperty()
  message!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  details?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Echo of X-Request-Id; quote it when reporting a problem.' })
  requestId?: string;
}

export class ErrorResponse {
  @ApiProperty({ type: ErrorDetail })
  error!: ErrorDetail;
}

export class UserResponse {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: string[];
  @ApiPropertyOptional({ description: 'Member (institution) id; absent for researchers and the consortium admin.' }) organisationId?: string;
  @ApiProperty({ enum: ['active', 'disabled'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class UserListResponse {
  @ApiProperty({ type: [UserResponse] }) users!: UserResponse[];
}

export class TokenResponse {
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: string;
  @ApiProperty({ description: 'EdDSA-signed JWT (typ at+jwt); send as Authorization: Bearer …' }) accessToken!: string;
  @ApiProperty({ description: 'Seconds until the access token expires.' }) expiresIn!: number;
  @ApiProperty({ description: 'Single use: each refresh returns a new one. Presenting a used one revokes the session.' }) refreshToken!: string;
  @ApiProperty() refreshExpiresIn!: number;
}

export class LoginHistoryEntryResponse {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() success!: boolean;
  @ApiPropertyOptional() failureCode?: string;
  @ApiPropertyOptional() address?: string;
  @ApiPropertyOptional() userAgent?: string;
}

export class LoginHistoryResponse {
  @ApiProperty() userId!: string;
  @ApiProperty({ type: [LoginHistoryEntryResponse] }) entries!: LoginHistoryEntryResponse[];
}

export class PasswordChangedResponse {
  @ApiProperty() changed!: boolean;
  @ApiProperty() revokedSessions!: number;
}

export class OnChainReferenceResponse {
  @ApiProperty() txId!: string;
  @ApiProperty() blockNumber!: number;
}

export class ApplicationResponse {
  @ApiProperty({ format: 'uuid' }) applicationId!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty({ description: 'The organisation (MSP) its members sign ledger transactions as' }) mspId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() contactName!: string;
  @ApiProperty() contactEmail!: string;
  @ApiProperty() applicantUserId!: string;
  @ApiProperty() nodeId!: string;
  @ApiProperty() endpoint!: string;
  @ApiProperty() nodePublicKey!: string;
  @ApiProperty({ enum: ['pending', 'admitted', 'rejected'] }) status!: string;
  @ApiPropertyOptional() reason?: string;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) decidedAt?: string;
  @ApiPropertyOptional() decidedBy?: string;
  @ApiPropertyOptional({ type: OnChainReferenceResponse, description: 'The committed admission or rejection.' }) decision?: OnChainReferenceResponse;
}

export class ApplicationListResponse {
  @ApiProperty({ type: [ApplicationResponse] }) applications!: ApplicationResponse[];
}

export class ConnectionTestResponse {
  @ApiProperty() memberId!: string;
  @ApiProperty() nodeId!: string;
  @ApiProperty() reachable!: boolean;
  @ApiProperty({ enum: ['node', 'service-health'], description: 'node: the node-info query addressed to this node (only it answers); service-health: only on tests recorded by earlier versions' }) probe!: string;
  @ApiProperty({ format: 'date-time' }) testedAt!: string;
  @ApiProperty() roundTripMs!: number;
  @ApiPropertyOptional() softwareVersion?: string;
  @ApiPropertyOptional() ledgerHeight?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) checks?: Record<string, string>;
  @ApiPropertyOptional({ type: 'object', properties: { code: { type: 'string' }, reason: { type: 'string' } } }) failure?: { code: string; reason: string };
}

export class InstitutionResponse {
  @ApiProperty() memberId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['active'] }) status!: string;
  @ApiProperty() nodeId!: string;
  @ApiProperty() endpoint!: string;
  @ApiProperty() nodePublicKey!: string;
  @ApiProperty({ format: 'date-time' }) admittedAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) lastHeartbeatAt?: string;
  @ApiPropertyOptional({ type: ConnectionTestResponse }) lastConnectionTest?: ConnectionTestResponse;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The member record as on-chain now.' }) onChain?: Record<string, unknown>;
  @ApiPropertyOptional() onChainError?: string;
  @ApiProperty({ type: OnChainReferenceResponse }) admission!: OnChainReferenceResponse;
  @ApiPropertyOptional({ type: OnChainReferenceResponse }) lastNodeUpdate?: OnChainReferenceResponse;
}

export class InstitutionListResponse {
  @ApiProperty({ type: [InstitutionResponse] }) institutions!: InstitutionResponse[];
}
