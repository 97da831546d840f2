// The embedded ledger: Fabric's execute-order-validate on one node, in one process.
//
//   submit ──> simulate (chaincode against committed state, records read/write set)
//          ──> block cutter (count or timeout)
//          ──> commit: one SQLite transaction per block: validate each tx in order (MVCC and
//              phantoms), apply valid writes, history, tx index, event index, signed block
//          ──> resolve/reject every submit of the block, wake event streams
//
// Everything after simulation runs synchronously (better-sqlite3 is synchronous), so a commit is
// atomic with respect to every other piece of JavaScript: a simulation never sees half a block,
// and a submit resolves only after COMMIT (fsync) has returned.
import { createPublicKey, randomBytes, verify as cryptoVerify } from 'node:crypto';
import type Database from 'better-sqlite3';
import { BlockCutter } from './block-cutter';
import { blockHash, encodeBlock, sha256 } from './block-codec';
import { BlockStore } from './block-store';
import { canonicalJson } from './canonical-json';
import { verifyStoredBlock } from './chain-verifier';
import { EmbeddedClientIdentity } from './client-identity';
import { ContractDispatcher } from './contract-dispatcher';
import { openLedgerDatabase } from './database';
import {
  ChaincodeExecutionError,
  LedgerClosedError,
  LedgerConfigError,
  LedgerInvalidArgumentError,
  LedgerNotFoundError,
  LedgerStorageError,
  MvccConflictError,
} from './errors';
import { LedgerSigner } from './signer';
import { SimulationStub, type ReadWriteSet, type SimulationContext } from './simulation-stub';
import type {
  Block,
  ChainVerification,
  ChaincodeEventRecord,
  ChaincodeEventsOptions,
  CommittedTransaction,
  EmbeddedLedgerOptions,
  GenesisConfig,
  KeyWrite,
  LedgerIdentity,
  LedgerInfo,
  LedgerLogger,
  ReadSet,
  SubmitResult,
  TransactionRecord,
  TxTimestamp,
  ValidationCode,
} from './types';
import { validateReadSet } from './validator';
import { WorldState, type StateWrite } from './world-state';

const DEFAULT_CHANNEL = 'phdmf';
const DEFAULT_CHAINCODE = 'phdmf';
const DEFAULT_MAX_TX_PER_BLOCK = 500;
const DEFAULT_BATCH_TIMEOUT_MS = 5;
const EVENT_PAGE = 256;
const VERIFY_CHUNK = 128;
const BLOCK_CACHE_SIZE = 16;

const NOOP_LOGGER: LedgerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A simulated transaction waiting in the block cutter. */
interface PendingTx {
  record: TransactionRecord;
  writes: StateWrite[];
  event: { name: string; payload: Buffer } | null;
  resolve: (result: SubmitResult) => void;
  reject: (error: Error) => void;
}

interface CommitOutcome {
  hash: string;
  codes: ValidationCode[];
}

/** A promise that can be resolved from outside: the "a block was committed / closed" signal. */
interface Signal {
  promise: Promise<void>;
  fire: () => void;
}

function createSignal(): Signal {
  let fire: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

/** A single-node ledger running fabric-contract-api chaincode in-process. Not a distributed ledger. */
export class EmbeddedLedger {
  private readonly worldState: WorldState;
  private readonly blocks: BlockStore;
  private readonly cutter: BlockCutter<PendingTx>;
  private readonly commitBlock: (number: number, batch: PendingTx[]) => CommitOutcome;
  private readonly blockCache = new Map<number, Block>();

  private height: number;
  private currentHash: string;
  private previousHash: string;
  private closing = false;
  private closed = false;
  private inFlight = 0;
  private idle: Signal | undefined;
  private commitSignal = createSignal();
  private closePromise: Promise<void> | undefined;

  private constructor(
    private readonly db: Database.Database,
    private readonly signer: LedgerSigner,
    private readonly dispatcher: ContractDispatcher,
    private readonly channelName: string,
    private readonly chaincodeName: string,
    maxTxPerBlock: number,
    batchTimeoutMs: number,
    private readonly logger: LedgerLogger,
  ) {
    this.worldState = new WorldState(db);
    this.blocks = new BlockStore(db);
    const tip = this.blocks.tip();
    this.height = tip.height;
    this.currentHash = tip.currentHash;
    this.previousHash = tip.previousHash;
    this.commitBlock = db.transaction((number: number, batch: PendingTx[]) => this.writeBlock(number, batch));
    this.cutter = new BlockCutter(maxTxPerBlock, batchTimeoutMs, (batch) => {
      this.commitBatch(batch);
    });
  }

  /**
   * Opens (or creates) the ledger in `options.dataDir`: the SQLite database, the signing key and,
   * on first open, the genesis block. Fails with LedgerLockedError if another instance has it open.
   */
  static open(options: EmbeddedLedgerOptions): Promise<EmbeddedLedger> {
    try {
      return Promise.resolve(EmbeddedLedger.openSync(options));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private static openSync(options: EmbeddedLedgerOptions): EmbeddedLedger {
    const maxTxPerBlock = options.maxTxPerBlock ?? DEFAULT_MAX_TX_PER_BLOCK;
    const batchTimeoutMs = options.batchTimeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS;
    if (!Number.isInteger(maxTxPerBlock) || maxTxPerBlock < 1) {
      throw new LedgerInvalidArgumentError('maxTxPerBlock must be a positive integer');
    }
    if (!Number.isFinite(batchTimeoutMs) || batchTimeoutMs < 0) {
      throw new LedgerInvalidArgumentError('batchTimeoutMs must be a non-negative number');
    }
    const logger = options.logger ?? NOOP_LOGGER;
    const dispatcher = new ContractDispatcher(options.contracts);
    const db = openLedgerDatabase(options.dataDir);
    try {
      const store = new BlockStore(db);
      const fresh = store.tip().height === 0;
      const signer = LedgerSigner.loadOrCreate(options.dataDir, fresh, logger);
      const genesis = fresh ? undefined : checkGenesis(store, signer, logger);
      if (genesis !== undefined && options.channelName !== undefined && options.channelName !== genesis.channelName) {
        throw new LedgerConfigError(`the ledger was created for channel ${genesis.channelName}, not ${options.channelName}`);
      }
      const ledger = new EmbeddedLedger(
        db,
        signer,
        dispatcher,
        genesis?.channelName ?? options.channelName ?? DEFAULT_CHANNEL,
        options.chaincodeName ?? DEFAULT_CHAINCODE,
        maxTxPerBlock,
        batchTimeoutMs,
        logger,
      );
      if (fresh) {
        ledger.createGenesisBlock();
      }
      logger.info(
        { dataDir: options.dataDir, height: ledger.height, channel: ledger.channelName, contracts: dispatcher.contractNames },
        'embedded ledger open',
      );
      return ledger;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** PEM (SPKI) of the Ed25519 key that signs every block. */
  get publicKeyPem(): string {
    return this.signer.publicKeyPem;
  }

  get channelId(): string {
    return this.channelName;
  }

  /**
   * Simulates, orders, validates and commits one transaction. Resolves once its block is durably
   * committed. Rejects with ChaincodeExecutionError (nothing ordered), MvccConflictError (ordered
   * but invalid: retry), UnknownContractError / UnknownFunctionError, LedgerInvalidArgumentError,
   * LedgerClosedError or LedgerStorageError.
   */
  async submit(identity: LedgerIdentity, contractName: string, fn: string, args: string[]): Promise<SubmitResult> {
    // The transaction counts as in flight until it is in the block cutter, so close() cannot
    // slip between its simulation and its enqueueing.
    const { committed } = await this.tracked(async () => {
      const { stub, result } = await this.simulate(identity, contractName, fn, args, true);
      const { rwset } = stub;
      const record = toTransactionRecord(stub.tx, rwset, result);
      const writes: StateWrite[] = record.writeSet.map((w) => ({ key: w.key, value: rwset.writes.get(w.key) ?? null }));
      return {
        committed: new Promise<SubmitResult>((resolve, reject) => {
          this.cutter.enqueue({ record, writes, event: rwset.event, resolve, reject });
        }),
      };
    });
    return committed;
  }

  /** Runs a function against committed state and returns its result; its writes are discarded. */
  async evaluate(identity: LedgerIdentity, contractName: string, fn: string, args: string[]): Promise<string> {
    const { result } = await this.tracked(() => this.simulate(identity, contractName, fn, args, false));
    return result;
  }

  /** The block with this number, parsed from its stored bytes. */
  getBlock(number: number): Block {
    this.assertOpen();
    if (!Number.isInteger(number) || number < 0) {
      throw new LedgerInvalidArgumentError(`invalid block number ${String(number)}`);
    }
    const bytes = this.blocks.blockBytes(number);
    if (bytes === undefined) {
      throw new LedgerNotFoundError(`block ${number} does not exist (height ${this.height})`);
    }
    return JSON.parse(bytes.toString('utf8')) as Block;
  }

  /** A stored transaction (valid or not) with its block number, position and validation code. */
  getTransaction(txId: string): CommittedTransaction {
    this.assertOpen();
    const location = this.blocks.findTransaction(txId);
    if (location === undefined) {
      throw new LedgerNotFoundError(`transaction ${txId} does not exist`);
    }
    const tx = this.cachedBlock(location.blockNumber).data.transactions[location.txIndex];
    if (tx === undefined) {
      throw new LedgerNotFoundError(`transaction ${txId} is not in block ${location.blockNumber}`);
    }
    return { ...structuredClone(tx), blockNumber: location.blockNumber, txIndex: location.txIndex };
  }

  info(): LedgerInfo {
    this.assertOpen();
    return {
      height: this.height,
      currentBlockHash: this.currentHash,
      previousBlockHash: this.previousHash,
      publicKeyPem: this.signer.publicKeyPem,
    };
  }

  /**
   * Re-checks the whole chain from the stored bytes (hash links, data hashes, signatures,
   * canonical encoding). Works in chunks and yields to the event loop between them, so commits
   * continue meanwhile; blocks committed after the call started are not checked.
   */
  async verifyChain(): Promise<ChainVerification> {
    this.assertOpen();
    const height = this.height;
    let previousHash = '';
    for (let from = 0; from < height; from += VERIFY_CHUNK) {
      if (from > 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.assertOpen();
      }
      const to = Math.min(from + VERIFY_CHUNK, height);
      const rows = this.blocks.blocks(from, to);
      for (let number = from; number < to; number++) {
        const row = rows[number - from];
        const check =
          row === undefined ? { ok: false as const, reason: `block ${number} is missing` } : verifyStoredBlock(row, number, previousHash, this.signer);
        if (!check.ok) {
          this.logger.error({ block: number, reason: check.reason }, 'ledger chain verification failed');
          return { ok: false, firstInvalidBlock: number, reason: check.reason };
        }
        previousHash = check.hash;
      }
    }
    return { ok: true, height };
  }

  /**
   * Chaincode events of valid transactions in commit order, like fabric-gateway's
   * getChaincodeEvents: first those already committed from `startBlock` on, then new ones as
   * blocks commit, with no gap or duplicate at the hand-over. The stream ends when the consumer
   * stops iterating or the ledger is closed. Resume from a checkpoint with
   * `{ startBlock: checkpoint.blockNumber, afterTxId: checkpoint.txId }`.
   */
  chaincodeEvents(options: ChaincodeEventsOptions): AsyncIterable<ChaincodeEventRecord> {
    this.assertOpen();
    const { startBlock, afterTxId } = options;
    if (!Number.isInteger(startBlock) || startBlock < 0) {
      throw new LedgerInvalidArgumentError(`invalid start block ${String(startBlock)}`);
    }
    let afterIndex = -1;
    if (afterTxId !== undefined) {
      const location = this.blocks.findTransaction(afterTxId);
      if (location?.blockNumber !== startBlock) {
        throw new LedgerInvalidArgumentError(`checkpoint transaction ${afterTxId} is not in block ${startBlock}`);
      }
      afterIndex = location.txIndex;
    }
    return {
      [Symbol.asyncIterator]: () => this.streamEvents(startBlock, afterIndex),
    };
  }

  /**
   * Stops accepting transactions, waits for running simulations, commits the pending batch,
   * ends event streams and closes the database. Idempotent.
   */
  close(): Promise<void> {
    this.closePromise ??= this.doClose();
    return this.closePromise;
  }

  // ---------------------------------------------------------------------------------------------

  private async doClose(): Promise<void> {
    this.closing = true;
    if (this.inFlight > 0) {
      this.idle = createSignal();
      await this.idle.promise;
    }
    this.cutter.cut();
    this.closed = true;
    this.db.close();
    this.commitSignal.fire();
    this.logger.info({ height: this.height }, 'embedded ledger closed');
  }

  // A method rather than the field, because the compiler would keep `closed` narrowed to false
  // across the awaits and yields of the event stream.
  private isClosed(): boolean {
    return this.closed;
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new LedgerClosedError();
    }
  }

  /** Counts work that close() must wait for (simulations not yet handed to the cutter). */
  private async tracked<T>(work: () => Promise<T>): Promise<T> {
    if (this.closing) {
      throw new LedgerClosedError();
    }
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
      if (this.inFlight === 0 && this.idle !== undefined) {
        this.idle.fire();
      }
    }
  }

  private async simulate(
    identity: LedgerIdentity,
    contractName: string,
    fn: string,
    args: string[],
    recordReads: boolean,
  ): Promise<{ stub: SimulationStub; result: string }> {
    validateRequest(identity, contractName, fn, args);
    const resolved = this.dispatcher.resolve(contractName, fn);
    const stub = new SimulationStub(this.worldState, {
      txId: newTxId(identity),
      channelId: this.channelName,
      chaincodeName: this.chaincodeName,
      contractName,
      functionName: fn,
      args: [...args],
      creator: { mspId: identity.mspId, id: identity.id },
      timestamp: nowTimestamp(),
      recordReads,
    });
    try {
      const result = await this.dispatcher.invoke(resolved, stub, new EmbeddedClientIdentity(identity), args);
      return { stub, result };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new ChaincodeExecutionError(message, stub.tx.txId, { cause: err });
    } finally {
      stub.finish();
    }
  }

  /** Block cutter callback: commits one block and settles its submits. */
  private commitBatch(batch: PendingTx[]): void {
    const number = this.height;
    const started = performance.now();
    let outcome: CommitOutcome;
    try {
      outcome = this.commitBlock(number, batch);
    } catch (err) {
      // The SQLite transaction rolled back: the block does not exist and nothing it held committed.
      this.logger.error({ block: number, err }, 'committing a block failed');
      const error = new LedgerStorageError(`block ${number} could not be committed`, { cause: err });
      for (const p of batch) {
        p.reject(error);
      }
      return;
    }
    this.previousHash = this.currentHash;
    this.currentHash = outcome.hash;
    this.height = number + 1;
    this.logger.debug({ block: number, txs: batch.length, ms: Math.round((performance.now() - started) * 10) / 10 }, 'block committed');
    batch.forEach((p, txIndex) => {
      const code = outcome.codes[txIndex] ?? 'VALID';
      if (code === 'VALID') {
        p.resolve({ txId: p.record.txId, blockNumber: number, txIndex, result: p.record.response });
      } else {
        p.reject(new MvccConflictError(p.record.txId, number, txIndex, code));
      }
    });
    const signal = this.commitSignal;
    this.commitSignal = createSignal();
    signal.fire();
  }

  /** Runs inside the block's SQLite transaction (see commitBlock). */
  private writeBlock(number: number, batch: PendingTx[]): CommitOutcome {
    const codes: ValidationCode[] = [];
    const transactions: TransactionRecord[] = [];
    batch.forEach((p, txIndex) => {
      const code = validateReadSet(p.record.readSet, this.worldState);
      p.record.validationCode = code;
      codes.push(code);
      transactions.push(p.record);
      this.blocks.insertTransaction(p.record.txId, number, txIndex, code);
      if (code !== 'VALID') {
        return;
      }
      this.worldState.apply(p.writes, { blockNumber: number, txIndex }, p.record.txId, p.record.timestamp);
      if (p.event !== null) {
        this.blocks.insertEvent(number, txIndex, p.record.txId, p.record.contract, p.event.name, p.event.payload);
      }
    });
    const encoded = encodeBlock(number, this.currentHash, { transactions }, codes, this.signer);
    this.blocks.insertBlock(number, encoded.hash, encoded.bytes);
    return { hash: encoded.hash, codes };
  }

  private createGenesisBlock(): void {
    const config: GenesisConfig = {
      ledgerFormat: 1,
      channelName: this.channelName,
      publicKeyPem: this.signer.publicKeyPem,
      createdAt: new Date().toISOString(),
    };
    const encoded = encodeBlock(0, '', { config, transactions: [] }, [], this.signer);
    this.db.transaction(() => {
      this.blocks.insertBlock(0, encoded.hash, encoded.bytes);
    })();
    this.height = 1;
    this.currentHash = encoded.hash;
    this.previousHash = '';
    this.logger.info({ channel: this.channelName, hash: encoded.hash }, 'created genesis block');
  }

  private cachedBlock(number: number): Block {
    let block = this.blockCache.get(number);
    if (block === undefined) {
      block = this.getBlock(number);
      if (this.blockCache.size >= BLOCK_CACHE_SIZE) {
        const oldest = this.blockCache.keys().next().value;
        if (oldest !== undefined) {
          this.blockCache.delete(oldest);
        }
      }
      this.blockCache.set(number, block);
    }
    return block;
  }

  private async *streamEvents(startBlock: number, afterIndex: number): AsyncGenerator<ChaincodeEventRecord, void, undefined> {
    // The cursor is the position of the last delivered event; the events index is ordered by
    // position and holds committed blocks only, so "everything after the cursor" has no gaps and
    // no repeats no matter how replay and live commits interleave.
    let cursorBlock = startBlock;
    let cursorIndex = afterIndex;
    while (!this.isClosed()) {
      const page = this.blocks.eventsAfter(cursorBlock, cursorIndex, EVENT_PAGE);
      if (page.length === 0) {
        await this.commitSignal.promise;
        continue;
      }
      for (const event of page) {
        // The consumer may have taken its time with the previous event; close() ends the stream.
        if (this.isClosed()) {
          return;
        }
        cursorBlock = event.blockNumber;
        cursorIndex = event.txIndex;
        yield event;
      }
    }
  }
}

/**
 * Reads the genesis configuration of an existing chain. A genesis block that is intact but names
 * another key means the key file was swapped: refused, since every new block would be signed by a
 * key the chain does not know. A genesis block that fails verification for any other reason is
 * corruption: the ledger still opens (with the configuration it can still read, if any) so that
 * verifyChain() can name the damaged block; the ledger service runs it at start.
 */
function checkGenesis(blocks: BlockStore, signer: LedgerSigner, logger: LedgerLogger): GenesisConfig | undefined {
  const row = blocks.blocks(0, 1)[0];
  if (row === undefined) {
    logger.error({ block: 0 }, 'the stored chain has no genesis block; verifyChain() will report it');
    return undefined;
  }
  const check = verifyStoredBlock(row, 0, '', signer);
  const config = tryParseGenesisConfig(row.bytes);
  if (check.ok) {
    return config;
  }
  if (config !== undefined && signedByNamedKey(row.bytes, config)) {
    throw new LedgerConfigError('the signing key in the data directory is not the key named in the genesis block');
  }
  logger.error({ block: 0, reason: check.reason }, 'the genesis block fails verification; verifyChain() will report it');
  return config;
}

function tryParseGenesisConfig(bytes: Buffer): GenesisConfig | undefined {
  try {
    const config = (JSON.parse(bytes.toString('utf8')) as Partial<Block>).data?.config;
    return typeof config?.channelName === 'string' && typeof config.publicKeyPem === 'string' ? config : undefined;
  } catch {
    return undefined;
  }
}

/** True when the genesis block's signature verifies with the key the block itself names. */
function signedByNamedKey(bytes: Buffer, config: GenesisConfig): boolean {
  try {
    const block = JSON.parse(bytes.toString('utf8')) as Block;
    const hash = Buffer.from(blockHash(block.header), 'hex');
    return cryptoVerify(null, hash, createPublicKey(config.publicKeyPem), Buffer.from(block.metadata.signature, 'base64'));
  } catch {
    return false;
  }
}

// Callers are other processes' requests in the end; check the shapes rather than trust the types.
function validateRequest(identity: unknown, contractName: unknown, fn: unknown, args: unknown): void {
  if (!isIdentity(identity)) {
    throw new LedgerInvalidArgumentError('identity must have a non-empty mspId and id');
  }
  if (typeof contractName !== 'string' || typeof fn !== 'string' || fn === '') {
    throw new LedgerInvalidArgumentError('contract and function names must be strings');
  }
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) {
    throw new LedgerInvalidArgumentError('arguments must be an array of strings');
  }
}

function isIdentity(value: unknown): value is LedgerIdentity {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { mspId, id } = value as Partial<Record<keyof LedgerIdentity, unknown>>;
  return typeof mspId === 'string' && mspId !== '' && typeof id === 'string' && id !== '';
}

/** Like Fabric: hex SHA-256 over a random nonce and the serialized creator. */
function newTxId(identity: LedgerIdentity): string {
  return sha256(Buffer.concat([randomBytes(24), Buffer.from(canonicalJson({ mspId: identity.mspId, id: identity.id }))])).toString('hex');
}

function nowTimestamp(): TxTimestamp {
  const ms = Date.now();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

function toTransactionRecord(tx: SimulationContext, rwset: ReadWriteSet, response: string): TransactionRecord {
  const readSet: ReadSet = {
    reads: [...rwset.reads].sort(byKey).map(([key, version]) => ({ key, version })),
    rangeQueries: rwset.rangeQueries,
  };
  const writeSet: KeyWrite[] = [...rwset.writes]
    .sort(byKey)
    .map(([key, value]) => (value === null ? { key, isDelete: true, value: null } : { key, isDelete: false, value: value.toString('base64') }));
  return {
    txId: tx.txId,
    contract: tx.contractName,
    function: tx.functionName,
    args: [...tx.args],
    creator: { mspId: tx.creator.mspId, id: tx.creator.id },
    timestamp: tx.timestamp,
    readSet,
    writeSet,
    event: rwset.event === null ? null : { name: rwset.event.name, payload: rwset.event.payload.toString('base64') },
    response,
    validationCode: 'VALID',
  };
}

function byKey(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
