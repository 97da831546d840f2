// Response shapes for the OpenAPI document. The wire types live in @phdmf/contracts (interfaces,
// which carry no run-time metadata); these classes describe the same shapes to @nestjs/swagger. Each
// `implements` its contract type and is listed in a `DocumentsExactly` check, so a field added to or
// dropped from the contract fails the type check until the document follows.
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import {
  ERROR_CODE_PATTERN,
  PageOf,
  MEMBER_ID_PATTERN,
  ROLES,
  UUID_PATTERN,
  type AccountsChangePassword,
  type AccountsGetLoginHistory,
  type AccountsListUsers,
  type ApplicationView,
  type ConnectionTestResult,
  type DocumentsExactly,
  type InstitutionView,
  type LedgerMemberRecord,
  type LoginHistoryEntry,
  type NodeRegistryListApplications,
  type NodeRegistryListInstitutions,
  type OnChainReference,
  type Role,
  type TokenPair,
  type UserView,
} from '@phdmf/contracts';

export type { DocumentsExactly } from '@phdmf/contracts';

/** An integer field (JSON Schema `integer`, not `number`). */
export const INTEGER = { type: 'integer' } as const;
/** A transaction's block. */
export const BLOCK_NUMBER = { type: 'integer', minimum: 0 } as const;

// One page of a list, documented: the class maker lives beside `Page<T>` in @phdmf/contracts.
export { PageOf };

export class ErrorDetail {
  @ApiProperty({ example: 'VALIDATION.FAILED', pattern: ERROR_CODE_PATTERN.source, description: 'Stable, machine-readable code (each operation lists those it can answer).' })
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

export class UserResponse implements UserView {
  @ApiProperty({ format: 'uuid', pattern: UUID_PATTERN.source }) userId!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiPropertyOptional({ description: 'Member (institution) id; absent for researchers and the consortium admin.' }) organisationId?: string;
  @ApiProperty({ enum: ['active', 'disabled'] }) status!: UserView['status'];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class UserListResponse extends PageOf(UserResponse, 'UserListResponse') implements AccountsListUsers.Result {}

export class TokenResponse implements TokenPair {
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'EdDSA-signed JWT (typ at+jwt); send as Authorization: Bearer …' }) accessToken!: string;
  @ApiProperty({ ...INTEGER, description: 'Seconds until the access token expires.' }) expiresIn!: number;
  @ApiProperty({ description: 'Single use: each refresh returns a new one. Presenting a used one revokes the session.' }) refreshToken!: string;
  @ApiProperty({ ...INTEGER, description: 'Seconds until the refresh token expires.' }) refreshExpiresIn!: number;
}

/** Sign-in and refresh in cookie mode: the refresh token went into the HttpOnly cookie, not the body. */
export class CookieTokenResponse extends OmitType(TokenResponse, ['refreshToken'] as const) {}

export class LoginHistoryEntryResponse implements LoginHistoryEntry {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() success!: boolean;
  @ApiPropertyOptional() failureCode?: string;
  @ApiPropertyOptional() address?: string;
  @ApiPropertyOptional() userAgent?: string;
}

export class LoginHistoryResponse extends PageOf(LoginHistoryEntryResponse, 'LoginHistoryResponse') implements AccountsGetLoginHistory.Result {}

export class PasswordChangedResponse implements AccountsChangePassword.Result {
  @ApiProperty({ enum: [true] }) changed!: true;
  @ApiProperty(INTEGER) revokedSessions!: number;
}

export class OnChainReferenceResponse implements OnChainReference {
  @ApiProperty() txId!: string;
  @ApiProperty(BLOCK_NUMBER) blockNumber!: number;
}

export class ApplicationResponse implements ApplicationView {
  @ApiProperty({ format: 'uuid', pattern: UUID_PATTERN.source }) applicationId!: string;
  @ApiProperty({ pattern: MEMBER_ID_PATTERN.source }) memberId!: string;
  @ApiProperty({ description: 'The organisation (MSP) its members sign ledger transactions as' }) mspId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() contactName!: string;
  @ApiProperty() contactEmail!: string;
  @ApiProperty() applicantUserId!: string;
  @ApiProperty() nodeId!: string;
  @ApiProperty() endpoint!: string;
  @ApiProperty() nodePublicKey!: string;
  @ApiProperty({ enum: ['pending', 'admitted', 'rejected'] }) status!: ApplicationView['status'];
  @ApiPropertyOptional() reason?: string;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) decidedAt?: string;
  @ApiPropertyOptional() decidedBy?: string;
  @ApiPropertyOptional({ type: OnChainReferenceResponse, description: 'The committed admission or rejection.' }) decision?: OnChainReferenceResponse;
}

export class ApplicationListResponse extends PageOf(ApplicationResponse, 'ApplicationListResponse') implements NodeRegistryListApplications.Result {}

export class ConnectionTestResponse implements ConnectionTestResult {
  @ApiProperty({ pattern: MEMBER_ID_PATTERN.source }) memberId!: string;
  @ApiProperty() nodeId!: string;
  @ApiProperty() reachable!: boolean;
  @ApiProperty({ enum: ['node', 'service-health'], description: 'node: the node-info query addressed to this node (only it answers); service-health: only on tests recorded by earlier versions' }) probe!: ConnectionTestResult['probe'];
  @ApiProperty({ format: 'date-time' }) testedAt!: string;
  @ApiProperty({ type: 'number', minimum: 0 }) roundTripMs!: number;
  @ApiPropertyOptional() softwareVersion?: string;
  @ApiPropertyOptional(INTEGER) ledgerHeight?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) checks?: Record<string, string>;
  @ApiPropertyOptional({ type: 'object', properties: { code: { type: 'string' }, reason: { type: 'string' } } }) failure?: { code: string; reason: string };
}

export class MemberRecordResponse implements LedgerMemberRecord {
  @ApiProperty({ pattern: MEMBER_ID_PATTERN.source }) memberId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() mspId!: string;
  @ApiProperty({ enum: ['active', 'rejected'] }) status!: LedgerMemberRecord['status'];
  @ApiPropertyOptional() nodeId?: string;
  @ApiPropertyOptional({ description: 'SPKI PEM public key the member\'s storage node signs its results with' }) nodePublicKey?: string;
  @ApiPropertyOptional() endpoint?: string;
  @ApiPropertyOptional() reason?: string;
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() txId!: string;
}

export class InstitutionResponse implements InstitutionView {
  @ApiProperty({ pattern: MEMBER_ID_PATTERN.source }) memberId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['active'] }) status!: 'active';
  @ApiProperty() nodeId!: string;
  @ApiProperty() endpoint!: string;
  @ApiProperty() nodePublicKey!: string;
  @ApiProperty({ format: 'date-time' }) admittedAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) lastHeartbeatAt?: string;
  @ApiPropertyOptional({ type: ConnectionTestResponse }) lastConnectionTest?: ConnectionTestResponse;
  @ApiPropertyOptional({ type: MemberRecordResponse, description: 'The member record as on-chain now.' }) onChain?: MemberRecordResponse;
  @ApiPropertyOptional() onChainError?: string;
  @ApiProperty({ type: OnChainReferenceResponse }) admission!: OnChainReferenceResponse;
  @ApiPropertyOptional({ type: OnChainReferenceResponse }) lastNodeUpdate?: OnChainReferenceResponse;
}

export class InstitutionListResponse extends PageOf(InstitutionResponse, 'InstitutionListResponse') implements NodeRegistryListInstitutions.Result {}

const _documentedExactly: [
  DocumentsExactly<UserResponse, UserView>,
  DocumentsExactly<UserListResponse, AccountsListUsers.Result>,
  DocumentsExactly<TokenResponse, TokenPair>,
  DocumentsExactly<LoginHistoryEntryResponse, LoginHistoryEntry>,
  DocumentsExactly<LoginHistoryResponse, AccountsGetLoginHistory.Result>,
  DocumentsExactly<PasswordChangedResponse, AccountsChangePassword.Result>,
  DocumentsExactly<OnChainReferenceResponse, OnChainReference>,
  DocumentsExactly<ApplicationResponse, ApplicationView>,
  DocumentsExactly<ApplicationListResponse, NodeRegistryListApplications.Result>,
  DocumentsExactly<ConnectionTestResponse, ConnectionTestResult>,
  DocumentsExactly<MemberRecordResponse, LedgerMemberRecord>,
  DocumentsExactly<InstitutionResponse, InstitutionView>,
  DocumentsExactly<InstitutionListResponse, NodeRegistryListInstitutions.Result>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true];
