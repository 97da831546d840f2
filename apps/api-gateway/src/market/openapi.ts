// Response shapes of the market and access-request endpoints for the OpenAPI document (the wire
// types are the interfaces in @phdmf/contracts, which carry no run-time metadata).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LEDGER_COLUMN_TYPES, LEDGER_PRIVACY_MODES, LEDGER_STATISTICS, MARKET_STANCES } from '@phdmf/contracts';

export class MarketColumnResponse {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: [...LEDGER_COLUMN_TYPES, 'unknown'], description: 'unknown: the release recorded no types' }) type!: string;
}

export class BudgetSpendResponse {
  @ApiProperty() analysisId!: string;
  @ApiProperty({ description: 'ρ the analysis spent on this grant' }) rho!: number;
  @ApiProperty({ format: 'date-time' }) reservedAt!: string;
  @ApiProperty({ description: 'The reservation\'s transaction' }) txId!: string;
}

export class GrantPrivacyResponse {
  @ApiProperty({ enum: LEDGER_PRIVACY_MODES, description: '`controlled`: hardened disclosure control; `dp`: differential privacy with a budget the chaincode accounts for' }) mode!: string;
  @ApiPropertyOptional({ description: 'dp: the zCDP budget ρ' }) budgetRho?: number;
  @ApiPropertyOptional({ description: 'dp: the ε of the (ε, δ)-DP the budget implies at δ (Canonne–Kamath–Steinke 2020, Prop. 12)' }) epsilon?: number;
  @ApiPropertyOptional({ description: 'dp: δ = 10⁻⁶' }) delta?: number;
  @ApiPropertyOptional({ description: 'dp, one dataset\'s entry: ρ spent, as the chain holds it' }) spentRho?: number;
  @ApiPropertyOptional({ description: 'dp, one dataset\'s entry: ρ left' }) leftRho?: number;
  @ApiPropertyOptional({ type: [BudgetSpendResponse], description: 'dp, one dataset\'s entry: every spend with its transaction' }) spends?: BudgetSpendResponse[];
}

export class MarketPermissionResponse {
  @ApiProperty({ enum: ['none', 'requested', 'granted', 'denied', 'revoked', 'expired'], description: 'Your standing on the dataset, from your most relevant request' }) state!: string;
  @ApiPropertyOptional() requestId?: string;
  @ApiPropertyOptional({ type: [String], description: 'Granted (or, while requested, asked-for) columns' }) columns?: string[];
  @ApiPropertyOptional({ enum: LEDGER_STATISTICS, isArray: true }) statistics?: string[];
  @ApiPropertyOptional({ format: 'date-time' }) expiresAt?: string;
  @ApiPropertyOptional({ description: 'The owner\'s reason (denial, revocation) or note (grant)' }) reason?: string;
  @ApiPropertyOptional({ type: GrantPrivacyResponse, description: 'How the grant (or, while requested, the proposal) protects what it releases' }) privacy?: GrantPrivacyResponse;
}

export class MarketEntryResponse {
  @ApiProperty() datasetId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty() ownerMemberId!: string;
  @ApiProperty() ownerName!: string;
  @ApiProperty({ type: [MarketColumnResponse] }) columns!: MarketColumnResponse[];
  @ApiProperty() rowCount!: number;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'SHA-256 of the file, as on-chain' }) sha256!: string;
  @ApiProperty({ format: 'date-time' }) releasedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'The transaction that wrote the current record' }) txId!: string;
  @ApiProperty() blockNumber!: number;
  @ApiProperty({ enum: ['active', 'deleted', 'tampered'] }) status!: string;
  @ApiProperty({ enum: MARKET_STANCES }) stance!: string;
  @ApiProperty({ type: MarketPermissionResponse }) permission!: MarketPermissionResponse;
}

export class MarketPageResponse {
  @ApiProperty({ type: [MarketEntryResponse] }) items!: MarketEntryResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class GrantResponse {
  @ApiPropertyOptional({ description: 'The dataset version the grant covers (absent in grants made before grants were bound to versions)' }) datasetVersion?: number;
  @ApiPropertyOptional({ description: 'The owner chose that the grant covers later versions too' }) followsUpdates?: boolean;
  @ApiPropertyOptional({ enum: LEDGER_PRIVACY_MODES, description: 'The owner\'s choice; absent in grants made before modes existed (controlled)' }) privacyMode?: string;
  @ApiPropertyOptional({ description: 'dp: the zCDP budget ρ, recorded on-chain' }) budgetRho?: number;
  @ApiProperty({ type: [String] }) columns!: string[];
  @ApiProperty({ enum: LEDGER_STATISTICS, isArray: true }) statistics!: string[];
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty() operator!: string;
  @ApiPropertyOptional() reason?: string;
  @ApiProperty({ format: 'date-time' }) grantedAt!: string;
  @ApiProperty() txId!: string;
}

export class DecisionResponse {
  @ApiProperty() operator!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
  @ApiProperty() txId!: string;
}

export class AccessRequestResponse {
  @ApiProperty() requestId!: string;
  @ApiProperty() datasetId!: string;
  @ApiProperty() datasetVersion!: number;
  @ApiProperty() datasetSha256!: string;
  @ApiProperty() ownerMemberId!: string;
  @ApiProperty() ownerMspId!: string;
  @ApiProperty({ description: 'Pseudonymous id of the requester (their user id)' }) requester!: string;
  @ApiPropertyOptional() requesterOrg?: string;
  @ApiProperty() purpose!: string;
  @ApiProperty({ type: [String] }) columns!: string[];
  @ApiProperty({ enum: LEDGER_STATISTICS, isArray: true }) statistics!: string[];
  @ApiProperty({ format: 'date-time' }) requestedExpiry!: string;
  @ApiPropertyOptional({ enum: LEDGER_PRIVACY_MODES, description: 'The mode the requester proposed' }) privacyMode?: string;
  @ApiPropertyOptional({ description: 'The budget ρ the requester proposed' }) budgetRho?: number;
  @ApiProperty() submittedByMspId!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty() requestTxId!: string;
  @ApiProperty({ enum: ['pending', 'granted', 'denied', 'revoked'] }) status!: string;
  @ApiPropertyOptional({ type: GrantResponse }) grant?: GrantResponse;
  @ApiPropertyOptional({ type: DecisionResponse }) denial?: DecisionResponse;
  @ApiPropertyOptional({ type: DecisionResponse }) revocation?: DecisionResponse;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'The transaction of the last committed change' }) txId!: string;
  @ApiProperty({ description: 'Its block' }) blockNumber!: number;
}

export class AccessRequestListResponse {
  @ApiProperty({ type: [AccessRequestResponse] }) items!: AccessRequestResponse[];
}
