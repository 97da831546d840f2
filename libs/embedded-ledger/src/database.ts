// Opens ledger.sqlite3 and brings its schema up to date.
//
// Two connections use the database: the ledger's own (the thread that runs the chaincode: reads
// only, enforced with query_only once the genesis block exists) and the block committer's (a
// worker thread, the only writer; see commit-pipeline.ts). Why these settings:
// - WAL + synchronous=FULL on the committer: a block's transaction is durable once COMMIT
//   returns (one fsync of the WAL per block, none per transaction), a crash mid-block leaves the
//   previous block as the last one, and readers never wait for the writer nor see half a block
//   (each read statement runs on the snapshot of the last COMMIT).
// - One instance per directory: a second ledger instance (in this or another process) appending
//   to the same chain would fork it. WAL with two connections needs SQLite's normal locking (a
//   connection in locking_mode=EXCLUSIVE locks the other one out too), so the directory is locked
//   by a separate file, ledger.lock, held in locking_mode=EXCLUSIVE for as long as the ledger is
//   open. SQLite's locks also work between connections of one process, so the second instance
//   fails at open with LedgerLockedError wherever it runs.
// - Keys are TEXT compared with SQLite's BINARY collation, i.e. memcmp over UTF-8, which is the
//   byte order Fabric's state database uses for range queries. Composite keys contain U+0000;
//   better-sqlite3 binds and reads strings with explicit lengths, so they survive intact.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerLockedError } from './errors';

export const DATABASE_FILE = 'ledger.sqlite3';
/** Held exclusively while a ledger instance has the directory open. */
export const LOCK_FILE = 'ledger.lock';

const SCHEMA_VERSION = 1;
// Readers and the writer do not block each other in WAL mode; this only covers a checkpoint that
// needs a moment of exclusive access to the WAL index.
const BUSY_TIMEOUT_MS = 5000;

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

/**
 * Locks the data directory for this ledger instance; closing the returned connection releases
 * the lock. LedgerLockedError if another instance holds it.
 */
export function lockDataDir(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const lock = new Database(path, { timeout: 1000 });
  try {
    // In exclusive locking mode a connection never gives back a lock it took: after this write
    // transaction it keeps the file's exclusive lock until it is closed.
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (err) {
    lock.close();
    if (isBusy(err)) {
      throw new LedgerLockedError(`the ledger in ${dataDir} is already open in another ledger instance`, { cause: err });
    }
    throw err;
  }
  return lock;
}

/** The ledger's own connection (take the directory lock first): creates or migrates the schema. */
export function openLedgerDatabase(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DATABASE_FILE), { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    migrate(db);
  } catch (err) {
    if (db.open) {
      db.close();
    }
    throw err;
  }
  return db;
}

/** The block committer's connection to a database that openLedgerDatabase has prepared. */
export function openCommitterDatabase(path: string): Database.Database {
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS, fileMustExist: true });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  } catch (err) {
    db.close();
    throw err;
  }
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
