// The records the ledger's chaincode keeps and returns, as other services receive them. They mirror
// the chaincode's own types (chaincode/src/records.ts); a type-level test in apps/ledger fails if the
// two drift apart. They hold hashes, pseudonymous ids and organisation-level data only.

/** The statistics a grant can cover (the aggregation service's vocabulary). */
export const LEDGER_STATISTICS = ['count', 'missing', 'sum', 'min', 'max', 'mean', 'variance', 'sd', 'quantiles', 'histogram'] as const;

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
export type LedgerMemberStatus = 'active' | 'rejected';

/** Lifecycle status of a dataset record. */
export type LedgerDatasetStatus = 'active' | 'deleted' | 'tampered';

/** Lifecycle status of an access request. */
export type LedgerRequestStatus = 'pending' | 'granted' | 'denied' | 'revoked';

/** The operations recorded in a dataset's provenance. */
export type LedgerProvenanceOperation = 'add' | 'update' | 'delete' | 'request' | 'grant' | 'deny' | 'revoke' | 'analysis' | 'tamper' | 'stance';

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
