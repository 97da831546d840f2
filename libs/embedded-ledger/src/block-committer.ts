// Validate and commit, the last steps of execute-order-validate, one block at a time. This is the
// only code that writes to the ledger database after the genesis block; it runs in the commit
// worker thread (commit-worker.ts), on a connection of its own.
//
// A block is one SQLite transaction: each transaction, in block order, is checked against current
// versions (which include the writes of earlier valid transactions in the same block) and its
// range queries are re-run (phantoms); valid ones update state, versions, history, the
// transaction index and the event index; then the block is encoded, hashed, signed and stored.
// If anything throws, the whole block rolls back and the committer's tip does not move.
import type Database from 'better-sqlite3';
import { encodeBlock } from './block-codec';
import { BlockStore } from './block-store';
import type { LedgerSigner } from './signer';
import type { KeyRead, KeyVersion, TransactionRecord, ValidationCode } from './types';
import { validateReadSet, type VersionReader } from './validator';
import { WorldState, type StateWrite } from './world-state';

const VERSION_CACHE_SIZE = 8192;

/** The outcome of one committed block. */
export interface CommittedBlock {
  number: number;
  /** Hex SHA-256 of the block's canonical header. */
  hash: string;
  /** One validation code per transaction, in block order. */
  codes: ValidationCode[];
}

/** Height and hash of the last stored block. */
export interface ChainTip {
  height: number;
  currentHash: string;
}

export class BlockCommitter implements VersionReader {
  private readonly worldState: WorldState;
  // Key versions this committer read or wrote. It is the only writer of the database, so they stay
  // exact until it writes the key again (then it records the new version) or a block rolls back
  // (then it forgets them all): validation reads the keys every transaction reads (the caller's
  // member record, the consortium) from memory instead of SQLite. Least recently used evicted first.
  private readonly versions = new Map<string, KeyVersion | null>();
  private readonly blocks: BlockStore;
  private readonly commitInTransaction: (transactions: TransactionRecord[]) => CommittedBlock;
  private height: number;
  private currentHash: string;

  constructor(
    db: Database.Database,
    private readonly signer: LedgerSigner,
  ) {
    this.worldState = new WorldState(db);
    this.blocks = new BlockStore(db);
    const tip = this.blocks.tip();
    this.height = tip.height;
    this.currentHash = tip.currentHash;
    this.commitInTransaction = db.transaction((transactions: TransactionRecord[]) => this.writeBlock(transactions));
  }

  get tip(): ChainTip {
    return { height: this.height, currentHash: this.currentHash };
  }

  /**
   * Validates and durably commits the next block (COMMIT with synchronous=FULL has returned when
   * this does). Sets each transaction's validationCode. Throws if storage fails; then nothing of
   * the block was stored.
   */
  commit(transactions: TransactionRecord[]): CommittedBlock {
    let committed: CommittedBlock;
    try {
      committed = this.commitInTransaction(transactions);
    } catch (err) {
      this.versions.clear();
      throw err;
    }
    this.height = committed.number + 1;
    this.currentHash = committed.hash;
    return committed;
  }

  /** VersionReader for validation: the cached version, else world state's. */
  version(key: string): KeyVersion | null {
    const cached = this.versions.get(key);
    if (cached !== undefined) {
      this.versions.delete(key);
      this.versions.set(key, cached);
      return cached;
    }
    const version = this.worldState.version(key);
    this.remember(key, version);
    return version;
  }

  rangeVersions(startKey: string, endKey: string, inclusiveEndKey?: string): KeyRead[] {
    return this.worldState.rangeVersions(startKey, endKey, inclusiveEndKey);
  }

  private remember(key: string, version: KeyVersion | null): void {
    this.versions.delete(key);
    if (this.versions.size >= VERSION_CACHE_SIZE) {
      const oldest = this.versions.keys().next();
      if (oldest.done !== true) {
        this.versions.delete(oldest.value);
      }
    }
    this.versions.set(key, version);
  }

  private writeBlock(transactions: TransactionRecord[]): CommittedBlock {
    const number = this.height;
    const codes: ValidationCode[] = [];
    transactions.forEach((tx, txIndex) => {
      const code = validateReadSet(tx.readSet, this);
      tx.validationCode = code;
      codes.push(code);
      this.blocks.insertTransaction(tx.txId, number, txIndex, code);
      if (code !== 'VALID') {
        return;
      }
      const version: KeyVersion = { blockNumber: number, txIndex };
      const writes = writesOf(tx);
      this.worldState.apply(writes, version, tx.txId, tx.timestamp);
      for (const w of writes) {
        this.remember(w.key, w.value === null ? null : version);
      }
      if (tx.event !== null) {
        this.blocks.insertEvent(number, txIndex, tx.txId, tx.contract, tx.event.name, Buffer.from(tx.event.payload, 'base64'));
      }
    });
    const encoded = encodeBlock(number, this.currentHash, { transactions }, codes, this.signer);
    this.blocks.insertBlock(number, encoded.hash, encoded.bytes);
    return { number, hash: encoded.hash, codes };
  }
}

/** The write set as world state applies it: the block's base64 values back to bytes, null = delete. */
function writesOf(tx: TransactionRecord): StateWrite[] {
  return tx.writeSet.map((w) => ({ key: w.key, value: w.value === null ? null : Buffer.from(w.value, 'base64') }));
}
