import type {
  LedgerDatasetRecord,
  LedgerDatasetStatus,
  LedgerTamperFindingRecord,
  MarketColumn,
  MarketEntry,
  MarketPermission,
  MarketStance,
} from '@phdmf/contracts';

// Within one version a record can only move forward: a tamper mark follows the version it marks,
// and a deletion always comes with a version of its own. The owner's stance changes the record
// without changing its version or status: then the later block wins (the chaincode writes a
// dataset's key at most once per block, so blocks order its records).
const STATUS_ORDER: Record<LedgerDatasetStatus, number> = { active: 0, tampered: 1, deleted: 2 };

/** The columns of a record with their types, position by position; `unknown` when the release recorded none. */
export function columnsOf(record: Pick<LedgerDatasetRecord, 'columns' | 'columnTypes'>): MarketColumn[] {
  return (record.columns ?? []).map((name, i) => ({ name, type: record.columnTypes?.[i] ?? 'unknown' }));
}

/** What the text search looks in: name, file name and description, lower-cased once here so any database can compare it. */
export function searchTextOf(record: Pick<LedgerDatasetRecord, 'name' | 'fileName' | 'description'>): string {
  return [record.name ?? '', record.fileName, record.description].join('\n').toLowerCase();
}

/**
 * A dataset of the data market: the projection of its committed ledger records, the owner's stance
 * included. Records are applied idempotently and in
 * order whichever way they arrive (a bus event, a command's answer, the catch-up): an older or
 * repeated record changes nothing.
 */
export class MarketDataset {
  datasetId!: string;
  name!: string | null;
  fileName!: string;
  description!: string;
  ownerMemberId!: string;
  ownerMspId!: string;
  /** MarketColumn[] as JSON. */
  columnsJson!: string;
  searchText!: string;
  rowCount!: number;
  version!: number;
  sha256!: string;
  status!: LedgerDatasetStatus;
  tamperFindingId!: string | null;
  releasedAt!: Date;
  recordUpdatedAt!: Date;
  txId!: string;
  blockNumber!: number;
  stance!: MarketStance;
  stanceSetBy!: string | null;
  stanceSetAt!: Date | null;

  /** A dataset first seen through this record. */
  static fromRecord(record: LedgerDatasetRecord, blockNumber: number): MarketDataset {
    const d = new MarketDataset();
    d.datasetId = record.datasetId;
    d.version = 0;
    d.status = 'active';
    d.assign(record, blockNumber);
    return d;
  }

  /** Applies a committed record if it is newer than what is shown; true if anything changed. */
  applyRecord(record: LedgerDatasetRecord, blockNumber: number): boolean {
    if (record.version < this.version) return false;
    if (record.version === this.version) {
      const forward = STATUS_ORDER[record.status] - STATUS_ORDER[this.status];
      if (forward < 0 || (forward === 0 && blockNumber <= this.blockNumber)) return false;
    }
    this.assign(record, blockNumber);
    return true;
  }

  /** Applies a committed tamper finding on the current version; true if anything changed. */
  applyTamperFinding(finding: LedgerTamperFindingRecord, blockNumber: number): boolean {
    if (finding.datasetVersion !== this.version || this.status !== 'active') return false;
    this.status = 'tampered';
    this.tamperFindingId = finding.findingId;
    this.recordUpdatedAt = new Date(finding.detectedAt);
    this.txId = finding.txId;
    this.blockNumber = blockNumber;
    return true;
  }

  columns(): MarketColumn[] {
    return JSON.parse(this.columnsJson) as MarketColumn[];
  }

  /** Column names, or undefined when the release published none (then the ledger does not restrict them either). */
  columnNames(): string[] | undefined {
    const columns = this.columns();
    return columns.length > 0 ? columns.map((c) => c.name) : undefined;
  }

  toEntry(ownerName: string, permission: MarketPermission): MarketEntry {
    return {
      datasetId: this.datasetId,
      name: this.name ?? this.fileName,
      description: this.description,
      ownerMemberId: this.ownerMemberId,
      ownerName,
      columns: this.columns(),
      rowCount: this.rowCount,
      version: this.version,
      sha256: this.sha256,
      releasedAt: this.releasedAt.toISOString(),
      updatedAt: this.recordUpdatedAt.toISOString(),
      txId: this.txId,
      blockNumber: this.blockNumber,
      status: this.status,
      stance: this.stance,
      permission,
    };
  }

  private assign(record: LedgerDatasetRecord, blockNumber: number): void {
    this.name = record.name ?? null;
    this.fileName = record.fileName;
    this.description = record.description;
    this.ownerMemberId = record.ownerMemberId;
    this.ownerMspId = record.ownerMspId;
    this.columnsJson = JSON.stringify(columnsOf(record));
    this.searchText = searchTextOf(record);
    this.rowCount = record.rowCount;
    this.version = record.version;
    this.sha256 = record.sha256;
    this.status = record.status;
    this.tamperFindingId = record.tamperFindingId ?? null;
    this.stance = record.stance ?? 'open';
    this.stanceSetBy = record.stanceSetBy ?? null;
    this.stanceSetAt = record.stanceSetAt !== undefined ? new Date(record.stanceSetAt) : null;
    this.releasedAt = new Date(record.createdAt);
    this.recordUpdatedAt = new Date(record.updatedAt);
    this.txId = record.txId;
    this.blockNumber = blockNumber;
  }
}

/** One column of a dataset's current version, for the market's column filter. */
export class MarketDatasetColumn {
  datasetId!: string;
  position!: number;
  name!: string;
}

/** A consortium member, for the owner name the market shows. */
export class MarketInstitution {
  memberId!: string;
  name!: string;
  mspId!: string;
  txId!: string;
  blockNumber!: number;
}
