// Response shapes of the market and access-request endpoints for the OpenAPI document (the wire
// types are the interfaces in @phdmf/contracts, which carry no run-time metadata; each class
// implements its own and is held to exactly its fields below).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DATASET_ID_PATTERN,
  LEDGER_COLUMN_TYPES,
  LEDGER_PRIVACY_MODES,
  LEDGER_STATISTICS,
  MARKET_STANCES,
  MEMBER_ID_PATTERN,
  UUID_PATTERN,
  type AccessRequestView,
  type AuthorizationListAccessRequests,
  type LedgerDecision,
  type LedgerGrant,
  type LedgerPrivacyMode,
  type LedgerStatistic,
  type MarketColumn,
  type MarketEntry,
  type MarketPage,
  type MarketPermission,
} from '@phdmf/contracts';
import { BLOCK_NUMBER, INTEGER, PageOf, type DocumentsExactly } from '../edge/openapi-schemas';

export class MarketColumnResponse implements MarketColumn {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: [...LEDGER_COLUMN_TYPES, 'unknown'], description: 'unknown: the release recorded no types' }) type!: MarketColumn['type'];
}

export class BudgetSpendResponse {
  @ApiProperty() analysisId!: string;
  @ApiProperty({ description: 'ρ the analysis spent on this grant' }) rho!: number;
  @ApiProperty({ format: 'date-time' }) reservedAt!: string;
  @ApiProperty({ description: 'The reservation\'s transaction' }) txId!: string;
}

export class GrantPrivacyResponse {
  @ApiProperty({ enum: LEDGER_PRIVACY_MODES, description: '`controlled`: hardened disclosure control; `dp`: differential privacy with a budget the chaincode accounts for' }) mode!: LedgerPrivacyMode;
  @ApiPropertyOptional({ description: 'dp: the zCDP budget ρ' }) budgetRho?: number;
  @ApiPropertyOptional({ description: 'dp: the ε of the (ε, δ)-DP the budget implies at δ (Canonne–Kamath–Steinke 2020, Prop. 12)' }) epsilon?: number;
  @ApiPropertyOptional({ description: 'dp: δ = 10⁻⁶' }) delta?: number;
  @ApiPropertyOptional({ description: 'dp, one dataset\'s entry: ρ spent, as the chain holds it' }) spentRho?: number;
  @ApiPropertyOptional({ description: 'dp, one dataset\'s entry: ρ left' }) leftRho?: number;
  @ApiPropertyOptional({ type: [BudgetSpendResponse], description: 'dp, one dataset\'s entry: every spend with its transaction' }) spends?: BudgetSpendResponse[];
}

export class MarketPermissionResponse implements MarketPermission {
  @ApiProperty({ enum: ['none', 'requested', 'granted', 'denied', 'revoked', 'expired'], description: 'Your standing on the dataset, from your most relevant request' }) state!: MarketPermission['state'];
  @ApiPropertyOptional({ pattern: UUID_PATTERN.source }) requestId?: string;
  @ApiPropertyOptional({ type: [String], description: 'Granted (or, while requested, asked-for) columns' }) columns?: string[];
  @ApiPropertyOptional({ enum: LEDGER_STATISTICS, isArray: true }) statistics?: LedgerStatistic[];
  @ApiPropertyOptional({ format: 'date-time' }) expiresAt?: string;
  @ApiPropertyOptional({ description: 'The owner\'s reason (denial, revocation) or note (grant)' }) reason?: string;
  @ApiPropertyOptional({ type: GrantPrivacyResponse, description: 'How the grant (or, while requested, the proposal) protects what it releases' }) privacy?: GrantPrivacyResponse;
}

export class MarketEntryResponse implements MarketEntry {
  @ApiProperty({ pattern: DATASET_ID_PATTERN.source }) datasetId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ pattern: MEMBER_ID_PATTERN.source }) ownerMemberId!: string;
  @ApiProperty() ownerName!: string;
  @ApiProperty({ type: [MarketColumnResponse] }) columns!: MarketColumnResponse[];
  @ApiProperty({ ...INTEGER, minimum: 0 }) rowCount!: number;
  @ApiProperty({ ...INTEGER, minimum: 1 }) version!: number;
  @ApiProperty({ description: 'SHA-256 of the file, as on-chain' }) sha256!: string;
  @ApiProperty({ format: 'date-time' }) releasedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'The transaction that wrote the current record' }) txId!: string;
  @ApiProperty(BLOCK_NUMBER) blockNumber!: number;
  @ApiProperty({ enum: ['active', 'deleted', 'tampered'] }) status!: MarketEntry['status'];
  @ApiProperty({ enum: MARKET_STANCES }) stance!: MarketEntry['stance'];
  @ApiProperty({ type: MarketPermissionResponse }) permission!: MarketPermissionResponse;
}

export class MarketPageResponse extends PageOf(MarketEntryResponse, 'MarketPageResponse') implements MarketPage {}

export class GrantResponse implements LedgerGrant {
  @ApiPropertyOptional({ ...INTEGER, minimum: 1, description: 'The dataset version the grant covers (absent in grants made before grants were bound to versions)' }) datasetVersion?: number;
  @ApiPropertyOptional({ description: 'The owner chose that the grant covers later versions too' }) followsUpdates?: boolean;
  @ApiPropertyOptional({ enum: LEDGER_PRIVACY_MODES, description: 'The owner\'s choice; absent in grants made before modes existed (controlled)' }) privacyMode?: LedgerPrivacyMode;
  @ApiPropertyOptional({ description: 'dp: the zCDP budget ρ, recorded on-chain' }) budgetRho?: number;
  @ApiProperty({ type: [String] }) columns!: string[];
  @ApiProperty({ enum: LEDGER_STATISTICS, isArray: true }) statistics!: LedgerStatistic[];
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty() operator!: string;
  @ApiPropertyOptional() reason?: string;
  @ApiProperty({ format: 'date-time' }) grantedAt!: string;
  @ApiProperty() txId!: string;
}

export class DecisionResponse implements LedgerDecision {
  @ApiProperty() operator!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
  @ApiProperty() txId!: string;
}

export class AccessRequestResponse implements AccessRequestView {
  @ApiProperty({ pattern: UUID_PATTERN.source }) requestId!: string;
  @ApiProperty({ pattern: DATASET_ID_PATTERN.source }) datasetId!: string;
  @ApiProperty({ ...INTEGER, minimum: 1 }) datasetVersion!: number;
  @ApiProperty() datasetSha256!: string;
  @ApiProperty({ pattern: MEMBER_ID_PATTERN.source }) ownerMemberId!: string;
  @ApiProperty() ownerMspId!: string;
  @ApiProperty({ description: 'Pseudonymous id of the requester (their user id)' }) requester!: string;
  @ApiPropertyOptional() requesterOrg?: string;
  @ApiProperty() purpose!: string;
  @ApiProperty({ type: [String] }) columns!: string[];
  @ApiProperty({ enum: LEDGER_STATISTICS, isArray: true }) statistics!: LedgerStatistic[];
  @ApiProperty({ format: 'date-time' }) requestedExpiry!: string;
  @ApiPropertyOptional({ enum: LEDGER_PRIVACY_MODES, description: 'The mode the requester proposed' }) privacyMode?: LedgerPrivacyMode;
  @ApiPropertyOptional({ description: 'The budget ρ the requester proposed' }) budgetRho?: number;
  @ApiProperty() submittedByMspId!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty() requestTxId!: string;
  @ApiProperty({ enum: ['pending', 'granted', 'denied', 'revoked'] }) status!: AccessRequestView['status'];
  @ApiPropertyOptional({ type: GrantResponse }) grant?: GrantResponse;
  @ApiPropertyOptional({ type: DecisionResponse }) denial?: DecisionResponse;
  @ApiPropertyOptional({ type: DecisionResponse }) revocation?: DecisionResponse;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'The transaction of the last committed change' }) txId!: string;
  @ApiProperty({ ...BLOCK_NUMBER, description: 'Its block' }) blockNumber!: number;
}

export class AccessRequestListResponse extends PageOf(AccessRequestResponse, 'AccessRequestListResponse') implements AuthorizationListAccessRequests.Result {}

const _documentedExactly: [
  DocumentsExactly<MarketColumnResponse, MarketColumn>,
  DocumentsExactly<MarketPermissionResponse, MarketPermission>,
  DocumentsExactly<MarketEntryResponse, MarketEntry>,
  DocumentsExactly<MarketPageResponse, MarketPage>,
  DocumentsExactly<GrantResponse, LedgerGrant>,
  DocumentsExactly<DecisionResponse, LedgerDecision>,
  DocumentsExactly<AccessRequestResponse, AccessRequestView>,
  DocumentsExactly<AccessRequestListResponse, AuthorizationListAccessRequests.Result>,
] = [true, true, true, true, true, true, true, true];
