// The records the chaincode keeps in world state and returns to clients. They hold hashes, pseudonymous
// ids and organisation-level data only, never personal data. All timestamps are ISO-8601 strings taken
// from the transaction timestamp; all `txId`s are the id of the transaction that wrote the record.

/**
 * The statistics a grant can cover (the vocabulary of the aggregation service): the per-column
 * summaries, then the federated models (issue 16: a contingency table, a correlation matrix, a GLM),
 * each of which an analysis records as its one statistic.
 */
export const STATISTICS = ['count', 'missing', 'sum', 'min', 'max', 'mean', 'variance', 'sd', 'quantiles', 'histogram', 'table', 'correlation', 'glm'] as const;

/** The models among {@link STATISTICS}: an analysis of one of them has it as its only statistic. */
export const MODEL_KINDS = ['table', 'correlation', 'glm'] as const;

/** One statistic of {@link STATISTICS}. */
export type Statistic = (typeof STATISTICS)[number];

/** The types a dataset column can have (the storage node's schema inference). */
export const COLUMN_TYPES = ['numeric', 'categorical', 'date'] as const;

/** One type of {@link COLUMN_TYPES}. */
export type ColumnType = (typeof COLUMN_TYPES)[number];

/**
 * How a grant protects what it releases: `controlled` (hardened disclosure control, the default) or
 * `dp` (zero-concentrated differential privacy with a budget ρ the chaincode accounts for).
 */
export const PRIVACY_MODES = ['controlled', 'dp'] as const;

/** One of {@link PRIVACY_MODES}. */
export type PrivacyMode = (typeof PRIVACY_MODES)[number];

/** The noisy quantities a dp analysis releases per column (everything else is derived from them). */
export const DP_QUANTITIES = ['count', 'missing', 'sum', 'sumSquares', 'histogram'] as const;

/** One of {@link DP_QUANTITIES}. */
export type DpQuantity = (typeof DP_QUANTITIES)[number];

/** Whether a dataset's owner takes access requests for it (a dataset without a stance is open). */
export const DATASET_STANCES = ['open', 'closed'] as const;

/** One of {@link DATASET_STANCES}. */
export type DatasetStance = (typeof DATASET_STANCES)[number];

/** Membership status of a consortium member. */
export const MemberStatus = {
  /** Admitted by the governor; may publish datasets and decide access requests. */
  Active: 'active',
  /** The application was rejected; the MSP has no member rights. */
  Rejected: 'rejected',
} as const;
/** One of {@link MemberStatus}. */
export type MemberStatus = (typeof MemberStatus)[keyof typeof MemberStatus];

/** Lifecycle status of a dataset record. */
export const DatasetStatus = {
  /** Current and usable. */
  Active: 'active',
  /** Deleted by its owner; kept for history and provenance. */
  Deleted: 'deleted',
  /** A tamper finding is open; refused until the owner records a new version. */
  Tampered: 'tampered',
} as const;
/** One of {@link DatasetStatus}. */
export type DatasetStatus = (typeof DatasetStatus)[keyof typeof DatasetStatus];

/** Lifecycle status of an access request. */
export const RequestStatus = {
  /** Submitted, awaiting the owner's decision. */
  Pending: 'pending',
  /** Granted by the owner (may have expired: compare `grant.expiresAt` with the time of use). */
  Granted: 'granted',
  /** Denied by the owner. */
  Denied: 'denied',
  /** Granted, then revoked by the owner. */
  Revoked: 'revoked',
} as const;
/** One of {@link RequestStatus}. */
export type RequestStatus = (typeof RequestStatus)[keyof typeof RequestStatus];

/** The operations recorded in a dataset's provenance. */
export const ProvenanceOperation = {
  Add: 'add',
  Update: 'update',
  Delete: 'delete',
  Request: 'request',
  Grant: 'grant',
  Deny: 'deny',
  Revoke: 'revoke',
  Analysis: 'analysis',
  Tamper: 'tamper',
  Stance: 'stance',
  /** A dp analysis' budget reservation charged to a grant on the dataset, or its release. */
  Budget: 'budget',
} as const;
/** One of {@link ProvenanceOperation}. */
export type ProvenanceOperation = (typeof ProvenanceOperation)[keyof typeof ProvenanceOperation];

/** The consortium itself: its name and the MSP that governs membership and records analyses. */
export interface ConsortiumRecord {
  consortiumName: string;
  governorMspId: string;
  initializedAt: string;
  txId: string;
}

/** A member institution (or a rejected application). */
export interface MemberRecord {
  memberId: string;
  name: string;
  mspId: string;
  status: MemberStatus;
  /** Storage node of an active member. */
  nodeId?: string;
  /** SPKI PEM public key the node signs its results with. */
  nodePublicKey?: string;
  endpoint?: string;
  /** Reason of a rejection. */
  reason?: string;
  /** When the governor admitted or rejected the member. */
  decidedAt: string;
  updatedAt: string;
  txId: string;
}

/** A numeric column's declared plausible bounds and finest histogram bin width. */
export interface ColumnGrid {
  column: string;
  lower: number;
  upper: number;
  binWidth: number;
}

/** One version of a dataset (the latest is the current state). */
export interface DatasetRecord {
  datasetId: string;
  version: number;
  fileName: string;
  /** SHA-256 of the file, 64 lowercase hex digits. */
  sha256: string;
  rowCount: number;
  columnCount: number;
  /** SHA-256 of the inferred schema, 64 lowercase hex digits. */
  schemaDigest: string;
  /** Pseudonymous id of the staff member who made the change. */
  operator: string;
  description: string;
  name?: string;
  /** Column names, when published; access requests must then stay within them. */
  columns?: string[];
  /** The type of each of `columns`, position by position; only ever present together with them. */
  columnTypes?: ColumnType[];
  /**
   * The owner's declaration per numeric column of what may be known about it: sites answer
   * histograms only on this grid. Only together with `columns` and `columnTypes`.
   */
  columnGrids?: ColumnGrid[];
  ownerMemberId: string;
  ownerMspId: string;
  status: DatasetStatus;
  /** The open tamper finding, while `status` is `tampered`. */
  tamperFindingId?: string;
  /** Whether the owner takes access requests; absent until the owner first sets it (then open). Kept across versions. */
  stance?: DatasetStance;
  /** Pseudonymous id of who set the stance, and when; present together with `stance`. */
  stanceSetBy?: string;
  stanceSetAt?: string;
  /** When the dataset was first added. */
  createdAt: string;
  /** When this record was written. */
  updatedAt: string;
  txId: string;
}

/** One entry of a dataset's history: the record as written by one transaction. */
export interface DatasetHistoryEntry {
  txId: string;
  timestamp: string;
  record: DatasetRecord;
}

/** One operation on a dataset, as returned by `dataset:getProvenance`. */
export interface ProvenanceEntry {
  operation: ProvenanceOperation;
  datasetId: string;
  /** Dataset version and hash the operation applied to. */
  datasetVersion: number;
  sha256: string;
  description: string;
  /** Pseudonymous id of who acted (staff member, requester or reviewer). */
  operator: string;
  /** MSP that submitted the transaction. */
  organisation: string;
  /** Member bound to that MSP, if any (the governor may not be a member). */
  memberId?: string;
  /** Id of the request, analysis or finding the operation belongs to. */
  referenceId?: string;
  timestamp: string;
  txId: string;
}

/** The scope a grant covers. */
export interface GrantScope {
  columns: string[];
  statistics: Statistic[];
  expiresAt: string;
}

/** The owner's grant of an access request. */
export interface Grant extends GrantScope {
  /**
   * The dataset version the grant covers (the current one when it was granted). Absent in grants
   * made before grants were bound to versions: the request's version applies to them.
   */
  datasetVersion?: number;
  /**
   * The owner's explicit choice that the grant covers later versions too. Without it, the same
   * analysis before and after an update would give the changed records by subtraction.
   */
  followsUpdates?: boolean;
  /** `dp` when the owner chose differential privacy; absent or `controlled` otherwise. */
  privacyMode?: PrivacyMode;
  /** The zCDP budget ρ of a `dp` grant (present exactly then). */
  budgetRho?: number;
  operator: string;
  reason?: string;
  grantedAt: string;
  txId: string;
}

/** The owner's denial or revocation of an access request. */
export interface Decision {
  operator: string;
  reason: string;
  decidedAt: string;
  txId: string;
}

/** An access request and its decisions. */
export interface AccessRequestRecord {
  requestId: string;
  datasetId: string;
  /** Dataset version and hash when the request was made. */
  datasetVersion: number;
  datasetSha256: string;
  ownerMemberId: string;
  ownerMspId: string;
  /** Pseudonymous id of the researcher. */
  requester: string;
  requesterOrg?: string;
  purpose: string;
  columns: string[];
  statistics: Statistic[];
  requestedExpiry: string;
  /** The privacy mode the researcher proposed (the owner decides at grant time). */
  privacyMode?: PrivacyMode;
  /** The budget ρ the researcher proposed with `dp`. */
  budgetRho?: number;
  /** MSP that submitted the request on the researcher's behalf. */
  submittedByMspId: string;
  requestedAt: string;
  requestTxId: string;
  status: RequestStatus;
  grant?: Grant;
  denial?: Decision;
  revocation?: Decision;
  updatedAt: string;
  txId: string;
}

/** The answer of `access:checkAccess`. */
export type AccessCheck =
  | { inForce: true; grant: AccessRequestRecord }
  | { inForce: false; code: string; reason: string };

/** One dataset an analysis used, with the grant and the hash checked on-chain. */
export interface AnalysisGrant {
  requestId: string;
  datasetId: string;
  sha256: string;
  datasetVersion: number;
}

/** A recorded analysis. */
export interface AnalysisRecord {
  analysisId: string;
  requester: string;
  grants: AnalysisGrant[];
  statistics: Statistic[];
  columns: string[];
  /** SHA-256 of the released result. */
  resultHash: string;
  /** The transaction id of the budget reservation of a dp analysis (its id is the analysis id). */
  reservationTxId?: string;
  /** A GLM's IRLS iterations (every site answered each of them). */
  iterations?: number;
  recordedByMspId: string;
  recordedAt: string;
  txId: string;
}

/** A storage node's report that a file no longer matches its on-chain hash. */
export interface TamperFindingRecord {
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
export interface PlannedQuantity {
  column: string;
  quantity: DpQuantity;
  rho: number;
}

/** What a reservation takes from one dp grant. */
export interface ReservationGrant {
  requestId: string;
  datasetId: string;
  /** The dataset version the grant covered when the reservation committed. */
  datasetVersion: number;
  quantities: PlannedQuantity[];
  /** The sum of the quantities' ρ: what the grant's budget is charged. */
  rho: number;
}

/** Lifecycle of a budget reservation. */
export const ReservationStatus = {
  /** Charged to the budgets; sites may compute for it. */
  Reserved: 'reserved',
  /** Given back before any site computed; sites refuse it. */
  Released: 'released',
  /** Named by the recorded analysis: spent for good. */
  Used: 'used',
} as const;
/** One of {@link ReservationStatus}. */
export type ReservationStatus = (typeof ReservationStatus)[keyof typeof ReservationStatus];

/** The release of a reservation no site computed for. */
export interface ReservationRelease {
  reason: string;
  releasedAt: string;
  txId: string;
}

/** A dp analysis' reservation of privacy budget on each of its dp grants; keyed by the analysis id. */
export interface BudgetReservationRecord {
  analysisId: string;
  requester: string;
  grants: ReservationGrant[];
  status: ReservationStatus;
  reservedAt: string;
  /** The reserving transaction (stays when the reservation is released). */
  txId: string;
  release?: ReservationRelease;
}

/** A dp grant's account in world state, written at grant time and by every reservation and release. */
export interface BudgetAccount {
  requestId: string;
  datasetId: string;
  requester: string;
  budgetRho: number;
  spentRho: number;
}

/** One charge to a grant's budget: a reservation that was not released. */
export interface BudgetSpend {
  analysisId: string;
  rho: number;
  reservedAt: string;
  txId: string;
}

/** A dp grant's budget as `budget:getBudget` answers it. */
export interface BudgetView {
  requestId: string;
  datasetId: string;
  requester: string;
  budgetRho: number;
  spentRho: number;
  leftRho: number;
  spends: BudgetSpend[];
}

/**
 * What a write committed under a commit key (`keyed-commit[commitKey]`, keyed-commits.ts): its
 * transaction, which transaction function it was, and the JSON string it returned.
 */
export interface KeyedCommitRecord {
  commitKey: string;
  txId: string;
  /** `contract:function`, e.g. `access:grantAccess`. */
  transaction: string;
  result: string;
}
