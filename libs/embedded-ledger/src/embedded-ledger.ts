// The embedded ledger: Fabric's execute-order-validate on one node, in one process.
//
//   submit ──> simulate (chaincode against committed state, records read/write set)
//          ──> block cutter (count or timeout)
//          ──> commit, in the commit worker thread (commit-pipeline.ts, block-committer.ts): one
//              SQLite transaction per block: validate each tx in order (MVCC and phantoms), apply
//              valid writes, history, tx index, event index, signed block
//          ──> resolve/reject every submit of the block, wake event streams
//
// Blocks commit one at a time, in order, while this thread simulates the next transactions (a
// pipeline, as on a Fabric peer). This thread's connection only reads; each read sees the state
// of the last COMMIT, so a simulation never sees half a block, and a submit resolves only after
// COMMIT (fsync) has returned.
import { createHash, createPublicKey, randomBytes, verify as cryptoVerify } from 'node:crypto';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { ensurePrivateDir, ensurePrivateFile } from '@phdmf/config';
import { observeBlockCommitted } from '@phdmf/observability';
import { BlockCutter } from './block-cutter';
import { blockHash, encodeBlock } from './block-codec';
import type { CommittedBlock } from './block-committer';
import { BlockStore } from './block-store';
import { canonicalJson } from '@phdmf/chaincode/canonical-json';
import { verifyStoredBlock } from './chain-verifier';
import { EmbeddedClientIdentity } from './client-identity';
import { CommitPipeline, CommitterStoppedError } from './commit-pipeline';
import { ContractDispatcher } from './contract-dispatcher';
import { DATABASE_FILE, LOCK_FILE, lockDataDir, openLedgerDatabase } from './database';
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
} from './types';
import { CachedStateReader, WorldState } from './world-state';

const DEFAULT_CHANNEL = 'phdmf';
const DEFAULT_CHAINCODE = 'phdmf';
// Blocks are committed (commit-pipeline.ts) while the next are simulated: a block much smaller than
// the number of transactions in flight lets the two overlap; 128 measured best at 256 in flight.
const DEFAULT_MAX_TX_PER_BLOCK = 128;
const DEFAULT_BATCH_TIMEOUT_MS = 5;
const EVENT_PAGE = 256;
/** Events of the latest blocks kept in memory for event streams that keep up (see recentEventsAfter). */
const RECENT_EVENTS = 1024;
const VERIFY_CHUNK = 128;
const BLOCK_CACHE_SIZE = 16;
const STATE_CACHE_SIZE = 4096;

const NOOP_LOGGER: LedgerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A simulated transaction waiting in the block cutter or for its block's commit. */
interface PendingTx {
  record: TransactionRecord;
  /** The chaincode event's payload as the chaincode set it (the record holds it in base64). */
  eventPayload: Buffer | undefined;
  resolve: (result: SubmitResult) => void;
  reject: (error: Error) => void;
}

/**
 * What the ledger's thread keeps of a transaction while its block is committed: only what settling
 * it needs. The full record (read set, base64 values, arguments) went to the committer; dropping it
 * here at once keeps it from surviving into the older generations of this thread's heap, which cost
 * more garbage-collection work than the record itself.
 */
interface CommittingTx {
  txId: string;
  contract: string;
  response: string;
  writtenKeys: string[];
  event: { name: string; payload: Buffer } | null;
  resolve: (result: SubmitResult) => void;
  reject: (error: Error) => void;
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
  private readonly state: CachedStateReader;
  private readonly blocks: BlockStore;
  private readonly cutter: BlockCutter<PendingTx>;
  private readonly blockCache = new Map<number, Block>();

  private height: number;
  private currentHash: string;
  private previousHash: string;
  private closing = false;
  private closed = false;
  private inFlight = 0;
  /** Blocks handed to the committer and not yet settled. */
  private committingBlocks = 0;
  private idle: Signal | undefined;
  private commitSignal = createSignal();
  // Events of the blocks acknowledged since open (the newest RECENT_EVENTS to 2 × RECENT_EVENTS of
  // them): exactly the events after position (recentAfterBlock, recentAfterIndex), in order.
  private recentEvents: ChaincodeEventRecord[] = [];
  private recentAfterBlock: number;
  private recentAfterIndex = Number.MAX_SAFE_INTEGER;
  private closePromise: Promise<void> | undefined;

  private constructor(
    private readonly db: Database.Database,
    private readonly lock: Database.Database,
    private readonly pipeline: CommitPipeline,
    private readonly signer: LedgerSigner,
    private readonly dispatcher: ContractDispatcher,
    private readonly channelName: string,
    private readonly chaincodeName: string,
    maxTxPerBlock: number,
    batchTimeoutMs: number,
    cutWhenIdle: boolean,
    private readonly logger: LedgerLogger,
  ) {
    this.state = new CachedStateReader(new WorldState(db), STATE_CACHE_SIZE);
    this.blocks = new BlockStore(db);
    const tip = this.blocks.tip();
    this.height = tip.height;
    this.currentHash = tip.currentHash;
    this.previousHash = tip.previousHash;
    this.recentAfterBlock = tip.height - 1;
    this.cutter = new BlockCutter(
      maxTxPerBlock,
      batchTimeoutMs,
      (batch) => {
        this.commitBatch(batch);
      },
      cutWhenIdle ? () => this.committingBlocks === 0 : undefined,
    );
  }

  /**
   * Opens (or creates) the ledger in `options.dataDir`: the SQLite database, the signing key and,
   * on first open, the genesis block. Fails with LedgerLockedError if another instance has it open.
   */
  static async open(options: EmbeddedLedgerOptions): Promise<EmbeddedLedger> {
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
    // The chain and its lock are the ledger's own (SQLite gives its -wal and -shm files their mode);
    // here, not in database.ts, because the committer thread loads that module without path aliases.
    ensurePrivateDir(options.dataDir);
    for (const file of [LOCK_FILE, DATABASE_FILE]) ensurePrivateFile(join(options.dataDir, file));
    const lock = lockDataDir(options.dataDir);
    let db: Database.Database | undefined;
    try {
      db = openLedgerDatabase(options.dataDir);
      const store = new BlockStore(db);
      const fresh = store.tip().height === 0;
      const signer = LedgerSigner.loadOrCreate(options.dataDir, fresh, logger);
      const genesis = fresh ? undefined : checkGenesis(store, signer, logger);
      if (genesis !== undefined && options.channelName !== undefined && options.channelName !== genesis.channelName) {
        throw new LedgerConfigError(`the ledger was created for channel ${genesis.channelName}, not ${options.channelName}`);
      }
      const channelName = genesis?.channelName ?? options.channelName ?? DEFAULT_CHANNEL;
      if (fresh) {
        createGenesisBlock(db, store, signer, channelName, logger);
      }
      // From here on only the block committer writes; this connection reads.
      db.pragma('query_only = ON');
      const pipeline = await CommitPipeline.start(
        { databasePath: join(options.dataDir, DATABASE_FILE), signingKey: signer.privateKeyForCommitter, expectedTip: store.tip() },
        logger,
      );
      const ledger = new EmbeddedLedger(
        db,
        lock,
        pipeline,
        signer,
        dispatcher,
        channelName,
        options.chaincodeName ?? DEFAULT_CHAINCODE,
        maxTxPerBlock,
        batchTimeoutMs,
        options.cutWhenIdle ?? false,
        logger,
      );
      logger.info(
        { dataDir: options.dataDir, height: ledger.height, channel: ledger.channelName, contracts: dispatcher.contractNames },
        'embedded ledger open',
      );
      return ledger;
    } catch (err) {
      db?.close();
      lock.close();
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
      const record = toTransactionRecord(stub.tx, stub.rwset, result);
      const eventPayload = stub.rwset.event?.payload;
      return {
        committed: new Promise<SubmitResult>((resolve, reject) => {
          this.cutter.enqueue({ record, eventPayload, resolve, reject });
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
    // Every block handed to the committer is committed (or refused) and settled before it stops.
    await this.pipeline.stop();
    this.closed = true;
    this.db.close();
    this.lock.close();
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
    const stub = new SimulationStub(this.state, {
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

  /** Block cutter callback: hands the block to the committer; its submits settle when it is committed. */
  private commitBatch(batch: PendingTx[]): void {
    const started = performance.now();
    // commit() copies the records to the committer before it returns.
    const committed = this.pipeline.commit(batch.map((p) => p.record));
    this.committingBlocks += 1;
    const committing = batch.map(
      ({ record, eventPayload, resolve, reject }): CommittingTx => ({
        txId: record.txId,
        contract: record.contract,
        response: record.response,
        writtenKeys: record.writeSet.map((w) => w.key),
        event: record.event === null ? null : { name: record.event.name, payload: eventPayload ?? Buffer.from(record.event.payload, 'base64') },
        resolve,
        reject,
      }),
    );
    committed
      .then(
        (block) => {
          this.settle(committing, block, started);
        },
        (err: unknown) => {
          this.settleFailed(committing, err);
        },
      )
      .finally(() => {
        this.committingBlocks -= 1;
        if (this.committingBlocks === 0) this.cutter.consumerDrained();
      });
  }

  private settle(batch: CommittingTx[], block: CommittedBlock, started: number): void {
    const { number, codes } = block;
    this.previousHash = this.currentHash;
    this.currentHash = block.hash;
    this.height = number + 1;
    observeBlockCommitted((performance.now() - started) / 1000, codes, this.height);
    this.logger.debug({ block: number, txs: batch.length, ms: Math.round((performance.now() - started) * 10) / 10 }, 'block committed');
    // Before any submit resolves: a caller that reads after its commit must see it.
    batch.forEach((p, txIndex) => {
      if (codes[txIndex] !== 'VALID') {
        return;
      }
      for (const key of p.writtenKeys) {
        this.state.forget(key);
      }
      if (p.event !== null) {
        this.recentEvents.push({ blockNumber: number, txIndex, txId: p.txId, contractName: p.contract, eventName: p.event.name, payload: p.event.payload });
      }
    });
    if (this.recentEvents.length > 2 * RECENT_EVENTS) {
      const dropped = this.recentEvents.splice(0, this.recentEvents.length - RECENT_EVENTS);
      const last = dropped[dropped.length - 1];
      if (last !== undefined) {
        this.recentAfterBlock = last.blockNumber;
        this.recentAfterIndex = last.txIndex;
      }
    }
    batch.forEach((p, txIndex) => {
      const code = codes[txIndex] ?? 'VALID';
      if (code === 'VALID') {
        p.resolve({ txId: p.txId, blockNumber: number, txIndex, result: p.response });
      } else {
        p.reject(new MvccConflictError(p.txId, number, txIndex, code));
      }
    });
    this.wakeEventStreams();
  }

  private settleFailed(batch: CommittingTx[], err: unknown): void {
    if (!(err instanceof CommitterStoppedError)) {
      // The block's SQLite transaction rolled back: the block does not exist and nothing it held committed.
      this.logger.error({ block: this.height, err }, 'committing a block failed');
      const error = new LedgerStorageError(`block ${this.height} could not be committed`, { cause: err });
      for (const p of batch) {
        p.reject(error);
      }
      return;
    }
    // The committer's thread died with this block in hand: it may or may not have committed it.
    // The database knows; answer every submit from it, and take the tip from it too.
    const tip = this.blocks.tip();
    this.state.clear();
    // Blocks may have committed without being acknowledged here: event streams read the database.
    this.recentEvents = [];
    this.recentAfterBlock = tip.height - 1;
    this.recentAfterIndex = Number.MAX_SAFE_INTEGER;
    this.height = tip.height;
    this.currentHash = tip.currentHash;
    this.previousHash = tip.previousHash;
    const error = new LedgerStorageError('the block committer stopped; the ledger cannot commit until it is reopened', { cause: err });
    for (const p of batch) {
      const location = this.blocks.findTransaction(p.txId);
      if (location === undefined) {
        p.reject(error);
      } else if (location.validationCode === 'VALID') {
        p.resolve({ txId: p.txId, blockNumber: location.blockNumber, txIndex: location.txIndex, result: p.response });
      } else {
        p.reject(new MvccConflictError(p.txId, location.blockNumber, location.txIndex, location.validationCode));
      }
    }
    this.wakeEventStreams();
  }

  private wakeEventStreams(): void {
    const signal = this.commitSignal;
    this.commitSignal = createSignal();
    signal.fire();
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

  /**
   * The events after a position from memory, when memory holds all of them: a stream that keeps
   * up with the chain (the ledger service's relay) then reads no event back from the database.
   * undefined when the position is older than what memory holds.
   */
  private recentEventsAfter(block: number, index: number): ChaincodeEventRecord[] | undefined {
    if (block < this.recentAfterBlock || (block === this.recentAfterBlock && index < this.recentAfterIndex)) {
      return undefined;
    }
    // Streams that keep up ask for the last few events: search from the end.
    const events = this.recentEvents;
    let from = events.length;
    while (from > 0) {
      const e = events[from - 1];
      if (e === undefined || e.blockNumber < block || (e.blockNumber === block && e.txIndex <= index)) {
        break;
      }
      from--;
    }
    // The payload buffers are shared by every stream, as they would be from one fabric-gateway stream.
    return events.slice(from, from + EVENT_PAGE);
  }

  private async *streamEvents(startBlock: number, afterIndex: number): AsyncGenerator<ChaincodeEventRecord, void, undefined> {
    // The cursor is the position of the last delivered event; the events index is ordered by
    // position and holds committed blocks only, so "everything after the cursor" has no gaps and
    // no repeats no matter how replay and live commits interleave.
    let cursorBlock = startBlock;
    let cursorIndex = afterIndex;
    while (!this.isClosed()) {
      const page = this.recentEventsAfter(cursorBlock, cursorIndex) ?? this.blocks.eventsAfter(cursorBlock, cursorIndex, EVENT_PAGE);
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

/** Block 0 of a new chain: the channel and the public key, signed. Written before the committer starts. */
function createGenesisBlock(db: Database.Database, blocks: BlockStore, signer: LedgerSigner, channelName: string, logger: LedgerLogger): void {
  const config: GenesisConfig = {
    ledgerFormat: 1,
    channelName,
    publicKeyPem: signer.publicKeyPem,
    createdAt: new Date().toISOString(),
  };
  const encoded = encodeBlock(0, '', { config, transactions: [] }, [], signer);
  db.transaction(() => {
    blocks.insertBlock(0, encoded.hash, encoded.bytes);
  })();
  logger.info({ channel: channelName, hash: encoded.hash }, 'created genesis block');
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

// Fabric's nonce is 24 random bytes per transaction. They are drawn from a pool refilled 1,024
// nonces at a time: the same CSPRNG bytes, one getrandom call per 1,024 transactions instead of
// one per transaction (randomBytes was ~2% of the ledger service's CPU per transaction).
const NONCE_BYTES = 24;
const NONCE_POOL_BYTES = NONCE_BYTES * 1024;
let noncePool = Buffer.alloc(0);
let nonceOffset = 0;

function nextNonce(): Buffer {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_POOL_BYTES);
    nonceOffset = 0;
  }
  const nonce = noncePool.subarray(nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

/** Like Fabric: hex SHA-256 over a random nonce and the serialized creator. */
function newTxId(identity: LedgerIdentity): string {
  return createHash('sha256')
    .update(nextNonce())
    .update(canonicalJson({ mspId: identity.mspId, id: identity.id }))
    .digest('hex');
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
