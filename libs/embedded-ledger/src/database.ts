// Opens ledger.sqlite3 and brings its schema up to date.
//
// Why these settings:
// - WAL + synchronous=FULL: a block's transaction is durable once COMMIT returns (one fsync of
//   the WAL per block, none per transaction), and a crash mid-block leaves the previous block as
//   the last one.
// - locking_mode=EXCLUSIVE: exactly one ledger instance may append to a chain; a second open of
//   the same directory (in this or another process) fails instead of forking the chain. Set
//   before WAL is entered, so the WAL index lives in process memory and no -shm file is used.
// - Keys are TEXT compared with SQLite's BINARY collation, i.e. memcmp over UTF-8, which is the
//   byte order Fabric's state database uses for range queries. Composite keys contain U+0000;
//   better-sqlite3 binds and reads strings with explicit lengths, so they survive intact.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerLockedError } from './errors';

export const DATABASE_FILE = 'ledger.sqlite3';

const SCHEMA_VERSION = 1;

const SCHEMA = `
  CREATE TABLE blocks (
    number INTEGER PRIMARY KEY,
    hash   TEXT NOT NULL,
    bytes  BLOB NOT NULL
  );
  CREATE TABLE transactions (
    tx_id           TEXT PRIMARY KEY,
    block_number    INTEGER NOT NULL,
    tx_index        INTEGER NOT NULL,
    validation_code TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE state (
    key          TEXT PRIMARY KEY,
    value        BLOB NOT NULL,
    block_number INTEGER NOT NULL,
    tx_index     INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE history (
    key          TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    tx_index     INTEGER NOT NULL,
    tx_id        TEXT NOT NULL,
    ts_seconds   INTEGER NOT NULL,
    ts_nanos     INTEGER NOT NULL,
    is_delete    INTEGER NOT NULL,
    value        BLOB NOT NULL,
    PRIMARY KEY (key, block_number, tx_index)
  ) WITHOUT ROWID;
  CREATE TABLE events (
    block_number INTEGER NOT NULL,
    tx_index     INTEGER NOT NULL,
    tx_id        TEXT NOT NULL,
    contract     TEXT NOT NULL,
    name         TEXT NOT NULL,
    payload      BLOB NOT NULL,
    PRIMARY KEY (block_number, tx_index)
  ) WITHOUT ROWID;
`;

export function openLedgerDatabase(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, DATABASE_FILE);
  const db = new Database(path, { timeout: 1000 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // A write takes the exclusive lock now (and keeps it), so a second instance fails at open.
    db.exec('BEGIN IMMEDIATE; COMMIT');
  } catch (err) {
    db.close();
    if (isBusy(err)) {
      throw new LedgerLockedError(`the ledger at ${path} is already open in another ledger instance`, { cause: err });
    }
    throw err;
  }
  migrate(db);
  return db;
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true });
  if (version === SCHEMA_VERSION) {
    return;
  }
  if (version !== 0) {
    db.close();
    throw new Error(`ledger database schema version ${String(version)} is not supported (expected ${SCHEMA_VERSION})`);
  }
  db.transaction(() => {
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

function isBusy(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' && err.code.startsWith('SQLITE_BUSY');
}
