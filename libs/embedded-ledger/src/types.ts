// Public data shapes of the embedded ledger. Everything stored in a block is plain JSON (strings,
// integers, booleans, null, arrays, objects) so that a block's bytes are exactly its canonical
// JSON and can be re-derived and checked byte for byte (see chaincode/src/canonical-json.ts, chain-verifier.ts).
import type { Contract } from 'fabric-contract-api';

/** The caller of a transaction: an organisation (MSP id) and a member identity inside it. */
export interface LedgerIdentity {
  readonly mspId: string;
  readonly id: string;
}

/** What a committed, valid transaction returns to its submitter. */
export interface SubmitResult {
  txId: string;
  blockNumber: number;
  txIndex: number;
  /** The chaincode's return value as Fabric's contract API serialises it, decoded as UTF-8. */
  result: string;
}

/** Fabric's transaction validation codes, as far as a single-node ledger can produce them. */
export type ValidationCode = 'VALID' | 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT';

/** Version of a key in world state: the position of the transaction that last wrote it. */
export interface KeyVersion {
  blockNumber: number;
  txIndex: number;
}

/** One key read during simulation; `version: null` means the key was absent. */
export interface KeyRead {
  key: string;
  version: KeyVersion | null;
}

/** One range (or partial composite key) query, recorded so validation can detect phantoms. */
export interface RangeQueryRead {
  /** Effective start key, inclusive ('\u0001' when the chaincode passed '', as in Fabric). */
  startKey: string;
  /** End key, exclusive; '' means unbounded. */
  endKey: string;
  /** True when the chaincode iterated to the end; otherwise only the results it consumed count. */
  itrExhausted: boolean;
  results: KeyRead[];
}

/** Read set of a transaction, keys sorted, range queries in execution order. */
export interface ReadSet {
  reads: KeyRead[];
  rangeQueries: RangeQueryRead[];
}

/** One write; `value` is base64 and null for a delete. Sorted by key within a transaction. */
export interface KeyWrite {
  key: string;
  isDelete: boolean;
  value: string | null;
}

/** Transaction timestamp as in Fabric's channel header (whole seconds plus nanoseconds). */
export interface TxTimestamp {
  seconds: number;
  nanos: number;
}

/** The chaincode event of a transaction as stored in a block; payload is base64. */
export interface StoredChaincodeEvent {
  name: string;
  payload: string;
}

/** A transaction as stored in a block. */
export interface TransactionRecord {
  txId: string;
  contract: string;
  function: string;
  args: string[];
  creator: { mspId: string; id: string };
  timestamp: TxTimestamp;
  readSet: ReadSet;
  writeSet: KeyWrite[];
  event: StoredChaincodeEvent | null;
  response: string;
  validationCode: ValidationCode;
}

/** Content of the genesis block: what the chain was created for and who signs it. */
export interface GenesisConfig {
  ledgerFormat: 1;
  channelName: string;
  publicKeyPem: string;
  createdAt: string;
}

export interface BlockHeader {
  number: number;
  /** Hex SHA-256 of the previous block's canonical header; '' for the genesis block. */
  previousHash: string;
  /** Hex SHA-256 of this block's canonical `data`. */
  dataHash: string;
}

export interface BlockData {
  transactions: TransactionRecord[];
  /** Present in the genesis block only. */
  config?: GenesisConfig;
}

export interface BlockMetadata {
  /** One code per transaction, equal to each transaction's own `validationCode`. */
  validationCodes: ValidationCode[];
  /** Base64 Ed25519 signature by the ledger key over the 32 raw bytes of the block hash. */
  signature: string;
}

/** A block as stored (its bytes are the canonical JSON of this object). */
export interface Block {
  header: BlockHeader;
  data: BlockData;
  metadata: BlockMetadata;
}

/** A stored transaction together with its position in the chain. */
export interface CommittedTransaction extends TransactionRecord {
  blockNumber: number;
  txIndex: number;
}

/** A chaincode event of a valid, committed transaction (like fabric-gateway's ChaincodeEvent). */
export interface ChaincodeEventRecord {
  blockNumber: number;
  txIndex: number;
  txId: string;
  contractName: string;
  eventName: string;
  payload: Uint8Array;
}

export interface ChaincodeEventsOptions {
  /** First block to deliver events from (a checkpoint's block number, or 0). */
  startBlock: number;
  /**
   * Checkpointed transaction id inside `startBlock`: events of that transaction and of the
   * transactions before it in the block are skipped, as fabric-gateway's checkpointer does.
   */
  afterTxId?: string;
}

export interface LedgerInfo {
  height: number;
  currentBlockHash: string;
  previousBlockHash: string;
  publicKeyPem: string;
}

export type ChainVerification = { ok: true; height: number } | { ok: false; firstInvalidBlock: number; reason: string };

/** The logging surface the ledger needs; a pino logger satisfies it. */
export interface LedgerLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A chaincode contract class with a no-argument constructor, as fabric-contract-api expects. */
export type ContractClass = new () => Contract;

export interface EmbeddedLedgerOptions {
  /** Directory for ledger.sqlite3 and the signing key; created if missing. */
  dataDir: string;
  contracts: ContractClass[];
  /** Recorded in the genesis block; reopening with a different name is refused. Default 'phdmf'. */
  channelName?: string;
  /** Namespace reported in range query results (Fabric's chaincode name). Default 'phdmf'. */
  chaincodeName?: string;
  /** Default 128. */
  maxTxPerBlock?: number;
  /** Default 5. A block is cut this long after its first transaction if it is not full. */
  batchTimeoutMs?: number;
  /**
   * Default false. Also cut a block as soon as the committer is idle (group commit): a lone
   * transaction does not wait for the timeout, and under load blocks grow only while one commits.
   */
  cutWhenIdle?: boolean;
  logger?: LedgerLogger;
}
