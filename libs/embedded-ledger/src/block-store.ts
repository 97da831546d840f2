// Append-only block storage and the transaction index (txId -> block, position, validation code).
// Blocks are written by the committer inside the same SQLite transaction as the state changes
// they cause, so the chain, the index and world state can never disagree after a crash.
import type Database from 'better-sqlite3';
import type { ChaincodeEventRecord, ValidationCode } from './types';

export interface StoredBlockRow {
  number: number;
  hash: string;
  bytes: Buffer;
}

export interface TxLocation {
  blockNumber: number;
  txIndex: number;
  validationCode: ValidationCode;
}

interface EventRow {
  block_number: number;
  tx_index: number;
  tx_id: string;
  contract: string;
  name: string;
  payload: Buffer;
}

interface TxRow {
  block_number: number;
  tx_index: number;
  validation_code: ValidationCode;
}

export class BlockStore {
  private readonly insertBlockStmt: Database.Statement;
  private readonly insertTxStmt: Database.Statement;
  private readonly bytesStmt: Database.Statement;
  private readonly lastTwoStmt: Database.Statement;
  private readonly rangeStmt: Database.Statement;
  private readonly txStmt: Database.Statement;
  private readonly insertEventStmt: Database.Statement;
  private readonly eventsAfterStmt: Database.Statement;

  constructor(db: Database.Database) {
    this.insertBlockStmt = db.prepare('INSERT INTO blocks (number, hash, bytes) VALUES (?, ?, ?)');
    this.insertTxStmt = db.prepare('INSERT INTO transactions (tx_id, block_number, tx_index, validation_code) VALUES (?, ?, ?, ?)');
    this.bytesStmt = db.prepare('SELECT bytes FROM blocks WHERE number = ?');
    this.lastTwoStmt = db.prepare('SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 2');
    this.rangeStmt = db.prepare('SELECT number, hash, bytes FROM blocks WHERE number >= ? AND number < ? ORDER BY number');
    this.txStmt = db.prepare('SELECT block_number, tx_index, validation_code FROM transactions WHERE tx_id = ?');
    this.insertEventStmt = db.prepare('INSERT INTO events (block_number, tx_index, tx_id, contract, name, payload) VALUES (?, ?, ?, ?, ?, ?)');
    this.eventsAfterStmt = db.prepare(
      `SELECT block_number, tx_index, tx_id, contract, name, payload FROM events
       WHERE (block_number, tx_index) > (?, ?) ORDER BY block_number, tx_index LIMIT ?`,
    );
  }

  insertBlock(number: number, hash: string, bytes: Buffer): void {
    this.insertBlockStmt.run(number, hash, bytes);
  }

  insertTransaction(txId: string, blockNumber: number, txIndex: number, validationCode: ValidationCode): void {
    this.insertTxStmt.run(txId, blockNumber, txIndex, validationCode);
  }

  blockBytes(number: number): Buffer | undefined {
    const row = this.bytesStmt.get(number) as { bytes: Buffer } | undefined;
    return row?.bytes;
  }

  /** Height and the hashes of the last two blocks, as stored (used once, at open). */
  tip(): { height: number; currentHash: string; previousHash: string } {
    const rows = this.lastTwoStmt.all() as { number: number; hash: string }[];
    const [last, before] = rows;
    if (last === undefined) {
      return { height: 0, currentHash: '', previousHash: '' };
    }
    return { height: last.number + 1, currentHash: last.hash, previousHash: before?.hash ?? '' };
  }

  /** Blocks with from <= number < to, in order (rows may be missing if the table was tampered with). */
  blocks(from: number, to: number): StoredBlockRow[] {
    return this.rangeStmt.all(from, to) as StoredBlockRow[];
  }

  /** Index of the chaincode events of valid transactions, so replay does not parse every block. */
  insertEvent(blockNumber: number, txIndex: number, txId: string, contract: string, name: string, payload: Buffer): void {
    this.insertEventStmt.run(blockNumber, txIndex, txId, contract, name, payload);
  }

  /** Events strictly after position (blockNumber, txIndex), in commit order. */
  eventsAfter(blockNumber: number, txIndex: number, limit: number): ChaincodeEventRecord[] {
    return (this.eventsAfterStmt.all(blockNumber, txIndex, limit) as EventRow[]).map((r) => ({
      blockNumber: r.block_number,
      txIndex: r.tx_index,
      txId: r.tx_id,
      contractName: r.contract,
      eventName: r.name,
      payload: r.payload,
    }));
  }

  findTransaction(txId: string): TxLocation | undefined {
    const row = this.txStmt.get(txId) as TxRow | undefined;
    return row === undefined ? undefined : { blockNumber: row.block_number, txIndex: row.tx_index, validationCode: row.validation_code };
  }
}
