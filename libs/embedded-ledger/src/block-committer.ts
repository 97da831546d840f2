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
import type { TransactionRecord, ValidationCode } from './types';
import { validateReadSet } from './validator';
import { WorldState, type StateWrite } from './world-state';

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

export class BlockCommitter {
  private readonly worldState: WorldState;
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
    const committed = this.commitInTransaction(transactions);
    this.height = committed.number + 1;
    this.currentHash = committed.hash;
    return committed;
  }

  private writeBlock(transactions: TransactionRecord[]): CommittedBlock {
    const number = this.height;
    const codes: ValidationCode[] = [];
    transactions.forEach((tx, txIndex) => {
      const code = validateReadSet(tx.readSet, this.worldState);
      tx.validationCode = code;
      codes.push(code);
      this.blocks.insertTransaction(tx.txId, number, txIndex, code);
      if (code !== 'VALID') {
        return;
      }
      this.worldState.apply(writesOf(tx), { blockNumber: number, txIndex }, tx.txId, tx.timestamp);
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
