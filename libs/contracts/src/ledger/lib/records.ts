// The records the ledger's chaincode keeps and returns, as other services receive them. They mirror
// the chaincode's own types (chaincode/src/records.ts); a type-level test in apps/ledger fails if the
// two drift apart. They hold hashes, pseudonymous ids and organisation-level data only.

/**
 * The statistics a grant can cover (the aggregation service's vocabulary): the per-column summaries
 * ({@link LEDGER_SUMMARY_STATISTICS}), then the federated models ({@link LEDGER_MODEL_KINDS}).
 */
export const LEDGER_STATISTICS = ['count', 'missing', 'sum', 'min', 'max', 'mean', 'variance', 'sd', 'quantiles', 'histogram', 'table', 'correlation', 'glm'] as const;

/** The federated models (issue 16): an analysis of one of them records it as its one statistic, and the grant must cover it. */
export const LEDGER_MODEL_KINDS = ['table', 'correlation', 'glm'] as const;

/** One of {@link LEDGER_MODEL_KINDS}. */
export type LedgerModelKind = (typeof LEDGER_MODEL_KINDS)[number];

/** The per-column summary statistics: {@link LEDGER_STATISTICS} without the models. */
export const LEDGER_SUMMARY_STATISTICS = ['count', 'missing', 'sum', 'min', 'max', 'mean', 'variance', 'sd', 'quantiles', 'histogram'] as const;

/** One statistic of {@link LEDGER_STATISTICS}. */
export type LedgerStatistic = (typeof LEDGER_STATISTICS)[number];

/** The types a dataset column can have (the storage node's schema inference). */
export const LEDGER_COLUMN_TYPES = ['numeric', 'categorical', 'date'] as const;

/** One type of {@link LEDGER_COLUMN_TYPES}. */
export type LedgerColumnType = (typeof LEDGER_COLUMN_TYPES)[number];

/** Whether a dataset's owner takes access requests for it (a dataset without a stance is open). */
export const LEDGER_DATASET_STANCES = ['open', 'closed'] as const;

/** One of {@link LEDGER_DATASET_STANCES}. */
export type LedgerDatasetStance = (typeof LEDGER_DATASET_STANCES)[number];

/** Membership status of a consortium member. */
/** How a grant protects what it releases: hardened disclosure control, or zCDP with a budget ρ. */
export const LEDGER_PRIVACY_MODES = ['controlled', 'dp'] as const;

/** One of {@link LEDGER_PRIVACY_MODES}. */
export type LedgerPrivacyMode = (typeof LEDGER_PRIVACY_MODES)[number];

/** The noisy quantities a dp analysis releases per column. */
export const LEDGER_DP_QUANTITIES = ['count', 'missing', 'sum', 'sumSquares', 'histogram'] as const;

/** One of {@link LEDGER_DP_QUANTITIES}. */
export type LedgerDpQuantity = (typeof LEDGER_DP_QUANTITIES)[number];

export type LedgerMemberStatus = 'active' | 'rejected';

/** Lifecycle status of a dataset record. */
export type LedgerDatasetStatus = 'active' | 'deleted' | 'tampered';

/** Lifecycle status of an access request. */
export type LedgerRequestStatus = 'pending' | 'granted' | 'denied' | 'revoked';

/** The operations recorded in a dataset's provenance. */
export type LedgerProvenanceOperation = 'add' | 'update' | 'delete' | 'request' | 'grant' | 'deny' | 'revoke' | 'analysis' | 'tamper' | 'stance' | 'budget';

/** The consortium: its name and the MSP that governs membership and records analyses. */
export interface LedgerConsortiumRecord {
  consortiumName: string;
  governorMspId: string;
  initializedAt: string;
  txId: string;
}

/** A member institution (or a rejected application). */
export interface LedgerMemberRecord {
  memberId: string;
  name: string;
  mspId: string;
  status: LedgerMemberStatus;
  nodeId?: string;
  /** SPKI PEM public key the member's storage node signs its results with. */
  nodePublicKey?: string;
  endpoint?: string;
  reason?: string;
  decidedAt: string;
  updatedAt: string;
  txId: string;
}

/** One version of a dataset as recorded on-chain (the latest is the current state). */
/** A numeric column's declared plausible bounds and finest histogram bin width. */
export interface LedgerColumnGrid {
  column: string;
  lower: number;
  upper: number;
  binWidth: number;
}

export interface LedgerDatasetRecord {
  datasetId: string;
  version: number;
  fileName: string;
  /** SHA-256 of the file, 64 lowercase hex digits. */
  sha256: string;
  rowCount: number;
  columnCount: number;
  schemaDigest: string;
  operator: string;
  description: string;
  name?: string;
  columns?: string[];
  /** The type of each of `columns`, position by position; only ever present together with them. */
  columnTypes?: LedgerColumnType[];
  /** The owner's declared histogram grid per numeric column: sites answer histograms only on it. */
  columnGrids?: LedgerColumnGrid[];
  ownerMemberId: string;
  ownerMspId: string;
  status: LedgerDatasetStatus;
  tamperFindingId?: string;
  /** Whether the owner takes access requests; absent until first set (then open). Kept across versions. */
  stance?: LedgerDatasetStance;
  /** Who set the stance, and when; present together with `stance`. */
  stanceSetBy?: string;
  stanceSetAt?: string;
  createdAt: string;
  updatedAt: string;
  txId: string;
}

/** The scope a grant covers. */
export interface LedgerGrantScope {
  columns: string[];
  statistics: LedgerStatistic[];
  expiresAt: string;
}

/** The owner's grant of an access request. */
export interface LedgerGrant extends LedgerGrantScope {
  /** The dataset version the grant covers; absent in grants made before versions were bound (the request's then). */
  datasetVersion?: number;
  /** The owner's explicit choice that the grant covers later versions too. */
  followsUpdates?: boolean;
  /** `dp` when the owner chose differential privacy; absent or `controlled` otherwise. */
  privacyMode?: LedgerPrivacyMode;
  /** The zCDP budget ρ of a `dp` grant. */
  budgetRho?: number;
  operator: string;
  reason?: string;
  grantedAt: string;
  txId: string;
}

/** The owner's denial or revocation of an access request. */
export interface LedgerDecision {
  operator: string;
  reason: string;
  decidedAt: string;
  txId: string;
}

/** An access request and the decisions taken on it. */
export interface LedgerAccessRequestRecord {
  requestId: string;
  datasetId: string;
  datasetVersion: number;
  datasetSha256: string;
  ownerMemberId: string;
  ownerMspId: string;
  requester: string;
  requesterOrg?: string;
  purpose: string;
  columns: string[];
  statistics: LedgerStatistic[];
  requestedExpiry: string;
  /** The privacy mode the researcher proposed (the owner decides). */
  privacyMode?: LedgerPrivacyMode;
  /** The budget ρ the researcher proposed with `dp`. */
  budgetRho?: number;
  submittedByMspId: string;
  requestedAt: string;
  requestTxId: string;
  status: LedgerRequestStatus;
  grant?: LedgerGrant;
  denial?: LedgerDecision;
  revocation?: LedgerDecision;
  updatedAt: string;
  txId: string;
}

/** Whether a grant is in force: the covering request, or the code and reason why there is none. */
export type LedgerAccessCheck = { inForce: true; grant: LedgerAccessRequestRecord } | { inForce: false; code: string; reason: string };

/** One dataset an analysis used, with the grant and the hash checked on-chain. */
export interface LedgerAnalysisGrant {
  requestId: string;
  datasetId: string;
  sha256: string;
  datasetVersion: number;
}

/** A recorded analysis. */
export interface LedgerAnalysisRecord {
  analysisId: string;
  requester: string;
  grants: LedgerAnalysisGrant[];
  statistics: LedgerStatistic[];
  columns: string[];
  resultHash: string;
  /** The reserving transaction of a dp analysis' budget reservation. */
  reservationTxId?: string;
  /** A GLM's IRLS iterations (every site answered each of them). */
  iterations?: number;
  recordedByMspId: string;
  recordedAt: string;
  txId: string;
}

/** A storage node's report that a file no longer matches its on-chain hash. */
export interface LedgerTamperFindingRecord {
  findingId: string;
  datasetId: string;
  datasetVersion: number;
  expectedSha256: string;
  foundSha256: string;
  nodeId: string;
  ownerMemberId: string;
  mspId: string;
  detectedAt: string;
  txId: string;
}

/** One noisy quantity an analysis plans to release from one column, and the ρ it costs. */
export interface LedgerPlannedQuantity {
  column: string;
  quantity: LedgerDpQuantity;
  rho: number;
}

/** What a reservation takes from one dp grant. */
export interface LedgerReservationGrant {
  requestId: string;
  datasetId: string;
  datasetVersion: number;
  quantities: LedgerPlannedQuantity[];
  rho: number;
}

/** `reserved` (sites may compute), `released` (refunded; sites refuse), `used` (named by the recorded analysis). */
export type LedgerReservationStatus = 'reserved' | 'released' | 'used';

/** The release of a reservation no site computed for. */
export interface LedgerReservationRelease {
  reason: string;
  releasedAt: string;
  txId: string;
}

/** A dp analysis' budget reservation (`budget:reserveBudget`), keyed by the analysis id. */
export interface LedgerBudgetReservationRecord {
  analysisId: string;
  requester: string;
  grants: LedgerReservationGrant[];
  status: LedgerReservationStatus;
  reservedAt: string;
  txId: string;
  release?: LedgerReservationRelease;
}

/** One charge to a grant's budget (a reservation not released). */
export interface LedgerBudgetSpend {
  analysisId: string;
  rho: number;
  reservedAt: string;
  txId: string;
}

/** A dp grant's budget: ρ granted, spent and left, and every spend with its transaction. */
export interface LedgerBudgetView {
  requestId: string;
  datasetId: string;
  requester: string;
  budgetRho: number;
  spentRho: number;
  leftRho: number;
  spends: LedgerBudgetSpend[];
}
