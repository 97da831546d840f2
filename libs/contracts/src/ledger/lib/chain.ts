// What the ledger itself answers about its chain: committed transactions, blocks, height,
// verification. Neutral shapes that both ledger adapters (embedded and Fabric) can fill.

/** The answer to every ledger command: sent only after the transaction is committed. */
export interface LedgerCommitted<R> {
  txId: string;
  blockNumber: number;
  /** The record the transaction wrote, as the chaincode returned it. */
  record: R;
}

/** Fabric's validation codes, as far as the ledger reports them. */
export type LedgerValidationCode = 'VALID' | 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT' | (string & {});

/** One transaction of a block, without its read/write set. */
export interface LedgerBlockTransaction {
  txId: string;
  txIndex: number;
  contract: string;
  function: string;
  /** MSP that signed the transaction. */
  creatorMspId: string;
  /** Transaction timestamp, ISO-8601 UTC. */
  timestamp: string;
  validationCode: LedgerValidationCode;
  /** The chaincode event the transaction emitted (valid or not), if any. */
  eventName?: string;
}

/** A block: its place in the hash chain and its transactions. */
export interface LedgerBlock {
  number: number;
  /** Hex SHA-256 of this block's header. */
  hash: string;
  /** Hex SHA-256 of the previous block's header; '' for the genesis block. */
  previousHash: string;
  /** Hex SHA-256 of this block's data. */
  dataHash: string;
  transactions: LedgerBlockTransaction[];
}

/** One transaction with its position in the chain, its arguments and its outcome. */
export interface LedgerTransaction extends LedgerBlockTransaction {
  blockNumber: number;
  /** The transaction's arguments (PHDMF chaincode: one JSON request). */
  args: string[];
  /** What the chaincode returned (for an invalid transaction: what it would have written). */
  response: string;
  /** The chaincode event with its payload decoded as JSON (or as text when it is not JSON). */
  event?: { name: string; payload: unknown };
  /**
   * Paths of what the reader may not see and was left out (`args[0].purpose`, `response.grant.reason`,
   * `event.payload.purpose`, or a whole `args[0]`, `response` or `event.payload`): see visibility.ts.
   */
  redacted?: string[];
}

/** Height and tip of the chain. */
export interface LedgerChainInfo {
  /** Number of blocks, the genesis block included. */
  height: number;
  /** Hex hash of the last block. */
  currentBlockHash: string;
  /** Hex hash of the block before it; '' when the chain has only the genesis block. */
  previousBlockHash: string;
}

/** The outcome of re-checking the stored chain: intact, or the first block that fails. */
export type LedgerChainVerification = { ok: true; height: number } | { ok: false; firstInvalidBlock: number; reason: string };
