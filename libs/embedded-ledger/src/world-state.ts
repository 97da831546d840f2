// World state (current value and version of every live key) and per-key history, both in SQLite.
// Every statement is prepared once. Reads are point lookups or index range scans; writes are done
// by the committer inside the block's transaction, so a half-applied block never exists on disk.
import type Database from 'better-sqlite3';
import type { KeyRead, KeyVersion, TxTimestamp } from './types';

export interface StateEntry {
  key: string;
  value: Buffer;
  version: KeyVersion;
}

export interface HistoryEntry {
  txId: string;
  timestamp: TxTimestamp;
  isDelete: boolean;
  value: Buffer;
  blockNumber: number;
  txIndex: number;
}

/** A write as the committer applies it: value null means delete. */
export interface StateWrite {
  key: string;
  value: Buffer | null;
}

interface StateRow {
  key: string;
  value: Buffer;
  block_number: number;
  tx_index: number;
}

interface VersionRow {
  key: string;
  block_number: number;
  tx_index: number;
}

interface HistoryRow {
  tx_id: string;
  ts_seconds: number;
  ts_nanos: number;
  is_delete: number;
  value: Buffer;
  block_number: number;
  tx_index: number;
}

const EMPTY = Buffer.alloc(0);

/** What a simulation reads: committed state, by key, by range, and a key's history. */
export interface StateReader {
  get(key: string): StateEntry | undefined;
  page(startKey: string, endKey: string, limit: number, afterKey?: string): StateEntry[];
  history(key: string): HistoryEntry[];
}

export class WorldState implements StateReader {
  private readonly getStmt: Database.Statement;
  private readonly versionStmt: Database.Statement;
  // Range pages: from an inclusive start or strictly after the last key of the previous page,
  // with a bounded or unbounded end ('' end key = unbounded, as in Fabric).
  private readonly pageFromBounded: Database.Statement;
  private readonly pageFromUnbounded: Database.Statement;
  private readonly pageAfterBounded: Database.Statement;
  private readonly pageAfterUnbounded: Database.Statement;
  // Range re-execution at validation: exclusive end, unbounded end, inclusive end (last key read).
  private readonly versionsExclusive: Database.Statement;
  private readonly versionsUnbounded: Database.Statement;
  private readonly versionsInclusive: Database.Statement;
  private readonly upsertStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;
  private readonly historyInsertStmt: Database.Statement;
  private readonly historyStmt: Database.Statement;

  constructor(db: Database.Database) {
    const cols = 'key, value, block_number, tx_index';
    this.getStmt = db.prepare(`SELECT ${cols} FROM state WHERE key = ?`);
    this.versionStmt = db.prepare('SELECT key, block_number, tx_index FROM state WHERE key = ?');
    this.pageFromBounded = db.prepare(`SELECT ${cols} FROM state WHERE key >= ? AND key < ? ORDER BY key LIMIT ?`);
    this.pageFromUnbounded = db.prepare(`SELECT ${cols} FROM state WHERE key >= ? ORDER BY key LIMIT ?`);
    this.pageAfterBounded = db.prepare(`SELECT ${cols} FROM state WHERE key > ? AND key < ? ORDER BY key LIMIT ?`);
    this.pageAfterUnbounded = db.prepare(`SELECT ${cols} FROM state WHERE key > ? ORDER BY key LIMIT ?`);
    const vcols = 'key, block_number, tx_index';
    this.versionsExclusive = db.prepare(`SELECT ${vcols} FROM state WHERE key >= ? AND key < ? ORDER BY key`);
    this.versionsUnbounded = db.prepare(`SELECT ${vcols} FROM state WHERE key >= ? ORDER BY key`);
    this.versionsInclusive = db.prepare(`SELECT ${vcols} FROM state WHERE key >= ? AND key <= ? ORDER BY key`);
    this.upsertStmt = db.prepare(
      `INSERT INTO state (key, value, block_number, tx_index) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, block_number = excluded.block_number, tx_index = excluded.tx_index`,
    );
    this.deleteStmt = db.prepare('DELETE FROM state WHERE key = ?');
    this.historyInsertStmt = db.prepare(
      `INSERT INTO history (key, block_number, tx_index, tx_id, ts_seconds, ts_nanos, is_delete, value)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Newest first, as Fabric 2.x returns GetHistoryForKey results.
    this.historyStmt = db.prepare(
      `SELECT tx_id, ts_seconds, ts_nanos, is_delete, value, block_number, tx_index
       FROM history WHERE key = ? ORDER BY block_number DESC, tx_index DESC`,
    );
  }

  get(key: string): StateEntry | undefined {
    const row = this.getStmt.get(key) as StateRow | undefined;
    return row === undefined ? undefined : toEntry(row);
  }

  version(key: string): KeyVersion | null {
    const row = this.versionStmt.get(key) as VersionRow | undefined;
    return row === undefined ? null : { blockNumber: row.block_number, txIndex: row.tx_index };
  }

  /** One page of [startKey, endKey) in key order, starting after `afterKey` when given. */
  page(startKey: string, endKey: string, limit: number, afterKey?: string): StateEntry[] {
    let rows: unknown[];
    if (afterKey === undefined) {
      rows = endKey === '' ? this.pageFromUnbounded.all(startKey, limit) : this.pageFromBounded.all(startKey, endKey, limit);
    } else {
      rows = endKey === '' ? this.pageAfterUnbounded.all(afterKey, limit) : this.pageAfterBounded.all(afterKey, endKey, limit);
    }
    return (rows as StateRow[]).map(toEntry);
  }

  /**
   * Keys and versions of a range as they are now, for phantom detection. `inclusiveEndKey`
   * replaces the range's end when the chaincode stopped iterating early (Fabric validates only
   * what was actually read).
   */
  rangeVersions(startKey: string, endKey: string, inclusiveEndKey?: string): KeyRead[] {
    let rows: unknown[];
    if (inclusiveEndKey !== undefined) {
      rows = this.versionsInclusive.all(startKey, inclusiveEndKey);
    } else if (endKey === '') {
      rows = this.versionsUnbounded.all(startKey);
    } else {
      rows = this.versionsExclusive.all(startKey, endKey);
    }
    return (rows as VersionRow[]).map((r) => ({ key: r.key, version: { blockNumber: r.block_number, txIndex: r.tx_index } }));
  }

  history(key: string): HistoryEntry[] {
    return (this.historyStmt.all(key) as HistoryRow[]).map((r) => ({
      txId: r.tx_id,
      timestamp: { seconds: r.ts_seconds, nanos: r.ts_nanos },
      isDelete: r.is_delete === 1,
      value: r.value,
      blockNumber: r.block_number,
      txIndex: r.tx_index,
    }));
  }

  /** Applies one valid transaction's writes. Must run inside the block's SQLite transaction. */
  apply(writes: readonly StateWrite[], version: KeyVersion, txId: string, timestamp: TxTimestamp): void {
    for (const w of writes) {
      if (w.value === null) {
        this.deleteStmt.run(w.key);
      } else {
        this.upsertStmt.run(w.key, w.value, version.blockNumber, version.txIndex);
      }
      this.historyInsertStmt.run(
        w.key,
        version.blockNumber,
        version.txIndex,
        txId,
        timestamp.seconds,
        timestamp.nanos,
        w.value === null ? 1 : 0,
        w.value ?? EMPTY,
      );
    }
  }
}

function toEntry(row: StateRow): StateEntry {
  return { key: row.key, value: row.value, version: { blockNumber: row.block_number, txIndex: row.tx_index } };
}

/**
 * The ledger thread's point reads, through a cache of recently read keys (least recently used
 * evicted first). Chaincode reads the same few keys over and over (the consortium, the caller's
 * member record and its MSP index), each a SQLite read transaction otherwise.
 *
 * It never serves anything older than the committed state the ledger has acknowledged: an entry is
 * read from the database when it is cached, and the ledger calls forget() with the keys of every
 * committed block's valid writes before it resolves that block's submits. An entry cached while
 * the committer was writing a block that changes the key is dropped when that block is
 * acknowledged; a simulation that read it meanwhile recorded its old version, and MVCC validation
 * invalidates it like any read of a key a later block changed. Absent keys are not cached (they
 * are mostly ids checked once before they are created). Range and history reads go to the
 * database.
 */
export class CachedStateReader implements StateReader {
  private readonly entries = new Map<string, StateEntry>();

  constructor(
    private readonly state: WorldState,
    private readonly capacity: number,
  ) {}

  get(key: string): StateEntry | undefined {
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      // The chaincode owns the bytes it is given (it may change them); the cache keeps its own.
      return { key, value: Buffer.from(cached.value), version: cached.version };
    }
    const entry = this.state.get(key);
    if (entry !== undefined) {
      if (this.entries.size >= this.capacity) {
        const oldest = this.entries.keys().next();
        if (oldest.done !== true) {
          this.entries.delete(oldest.value);
        }
      }
      this.entries.set(key, { key, value: Buffer.from(entry.value), version: Object.freeze({ ...entry.version }) });
    }
    return entry;
  }

  page(startKey: string, endKey: string, limit: number, afterKey?: string): StateEntry[] {
    return this.state.page(startKey, endKey, limit, afterKey);
  }

  history(key: string): HistoryEntry[] {
    return this.state.history(key);
  }

  /** Drops keys a committed block wrote. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
