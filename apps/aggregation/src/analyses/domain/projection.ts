// The aggregation service's projection of committed ledger records: datasets (hash, version, owner,
// status), members (node id and key) and access requests (status and grant scope). Built from the
// ledger's chain events and caught up from its queries. Records can arrive out of order (an event
// redelivered after a catch-up read a newer state), so each applies only if it is not older than
// what is held: datasets by version then lifecycle, requests by lifecycle, members by time.
import type { LedgerAccessRequestRecord, LedgerDatasetRecord, LedgerDatasetStatus, LedgerMemberRecord, LedgerRequestStatus, LedgerStatistic, LedgerTamperFindingRecord } from '@phdmf/contracts';

const DATASET_STAGE: Record<LedgerDatasetStatus, number> = { active: 0, tampered: 1, deleted: 2 };
const REQUEST_STAGE: Record<LedgerRequestStatus, number> = { pending: 0, granted: 1, denied: 2, revoked: 2 };

/** A dataset's current on-chain record, as far as the projection knows it. */
export class ProjectedDataset {
  datasetId!: string;
  version!: number;
  sha256!: string;
  ownerMemberId!: string;
  status!: LedgerDatasetStatus;
  updatedAt!: string;
  txId!: string;

  static from(record: LedgerDatasetRecord): ProjectedDataset {
    const d = new ProjectedDataset();
    d.datasetId = record.datasetId;
    d.copy(record);
    return d;
  }

  /** Applies a committed record unless it is older than the one held; true if anything changed. */
  apply(record: LedgerDatasetRecord): boolean {
    const newer = record.version > this.version || (record.version === this.version && DATASET_STAGE[record.status] >= DATASET_STAGE[this.status]);
    if (!newer || record.txId === this.txId) return false;
    this.copy(record);
    return true;
  }

  /** A committed tamper finding on the version held marks it tampered (a new version clears it). */
  applyTamperFinding(finding: LedgerTamperFindingRecord, txId: string): boolean {
    if (finding.datasetVersion !== this.version || this.status !== 'active') return false;
    this.status = 'tampered';
    this.updatedAt = finding.detectedAt;
    this.txId = txId;
    return true;
  }

  private copy(record: LedgerDatasetRecord): void {
    this.version = record.version;
    this.sha256 = record.sha256;
    this.ownerMemberId = record.ownerMemberId;
    this.status = record.status;
    this.updatedAt = record.updatedAt;
    this.txId = record.txId;
  }
}

/** A member and its storage node, as on-chain. */
export class ProjectedMember {
  memberId!: string;
  mspId!: string;
  status!: string;
  nodeId!: string | null;
  nodePublicKey!: string | null;
  updatedAt!: string;
  txId!: string;

  static from(record: LedgerMemberRecord): ProjectedMember {
    const m = new ProjectedMember();
    m.memberId = record.memberId;
    m.copy(record);
    return m;
  }

  apply(record: LedgerMemberRecord): boolean {
    if (record.updatedAt < this.updatedAt || record.txId === this.txId) return false;
    this.copy(record);
    return true;
  }

  /** The node to ask and the key its summaries must verify with; undefined unless the member is active with both. */
  node(): { nodeId: string; publicKeyPem: string } | undefined {
    if (this.status !== 'active' || this.nodeId === null || this.nodePublicKey === null) return undefined;
    return { nodeId: this.nodeId, publicKeyPem: this.nodePublicKey };
  }

  private copy(record: LedgerMemberRecord): void {
    this.mspId = record.mspId;
    this.status = record.status;
    this.nodeId = record.nodeId ?? null;
    this.nodePublicKey = record.nodePublicKey ?? null;
    this.updatedAt = record.updatedAt;
    this.txId = record.txId;
  }
}

/** An access request and, once granted, its scope. */
export class ProjectedAccessRequest {
  requestId!: string;
  datasetId!: string;
  requester!: string;
  status!: LedgerRequestStatus;
  /** JSON arrays of the grant's columns and statistics (null before a grant). */
  grantColumns!: string | null;
  grantStatistics!: string | null;
  expiresAt!: string | null;
  updatedAt!: string;
  txId!: string;

  static from(record: LedgerAccessRequestRecord): ProjectedAccessRequest {
    const r = new ProjectedAccessRequest();
    r.requestId = record.requestId;
    r.datasetId = record.datasetId;
    r.requester = record.requester;
    r.copy(record);
    return r;
  }

  apply(record: LedgerAccessRequestRecord): boolean {
    if (REQUEST_STAGE[record.status] < REQUEST_STAGE[this.status] || record.txId === this.txId) return false;
    // A revocation after a denial cannot happen on-chain; both are final, the first one seen stays.
    if (REQUEST_STAGE[this.status] === 2 && this.status !== record.status) return false;
    this.copy(record);
    return true;
  }

  /** The grant's scope, if granted (a revoked request keeps its grant for the record). */
  scope(): { columns: string[]; statistics: LedgerStatistic[]; expiresAt: string } | undefined {
    if (this.grantColumns === null || this.grantStatistics === null || this.expiresAt === null) return undefined;
    return { columns: JSON.parse(this.grantColumns) as string[], statistics: JSON.parse(this.grantStatistics) as LedgerStatistic[], expiresAt: this.expiresAt };
  }

  private copy(record: LedgerAccessRequestRecord): void {
    this.status = record.status;
    this.grantColumns = record.grant ? JSON.stringify(record.grant.columns) : null;
    this.grantStatistics = record.grant ? JSON.stringify(record.grant.statistics) : null;
    this.expiresAt = record.grant?.expiresAt ?? null;
    this.updatedAt = record.updatedAt;
    this.txId = record.txId;
  }
}
