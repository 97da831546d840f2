// The commit pipeline: blocks are validated and committed in a worker thread, so that the
// ledger's own thread simulates the next transactions while the previous block is committed.
// Fabric's peer overlaps the same two stages (endorsement of new proposals runs against committed
// state while the committer validates and commits a block).
//
// Why: committing a block (MVCC validation, state, history and index writes, canonical
// encoding, SHA-256, the Ed25519 signature and COMMIT with its fsync) took about a quarter of
// the ledger service's event loop at a few thousand transactions per second, and nothing else
// could run meanwhile. In the worker it runs on the other core.
//
// What stays the same: a block is still one SQLite transaction (on the worker's connection,
// synchronous=FULL), so a submit still resolves only after COMMIT returned and a crash leaves whole
// blocks only. Blocks are committed in the order they were cut, one at a time. Simulation reads
// committed state through the ledger's own connection, which sees a block all at once when its
// COMMIT is done (WAL snapshot per statement); a transaction simulated while the block before it
// was committing may have read a key that block changes, and is then invalidated by MVCC
// validation exactly as a Fabric transaction endorsed against an older state is.
//
// The thread outlives the ledger: after close() it waits, idle and unreferenced, for the next
// ledger the process opens (tests open hundreds; a new thread costs tens of milliseconds).
import type { KeyObject } from 'node:crypto';
import { extname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { IdleThread, spawnWorker } from '@phdmf/threads';
import type { ChainTip, CommittedBlock } from './block-committer';
import type { LedgerLogger, TransactionRecord } from './types';

/** What the committer opens. The key is a KeyObject: it is cloned into the thread, never serialised. */
export interface CommitterData {
  databasePath: string;
  signingKey: KeyObject;
  /** The tip the ledger's thread read; the committer refuses to open on a different one. */
  expectedTip: ChainTip;
}

/** Messages to the commit worker. */
export type ToCommitter =
  | { kind: 'open'; data: CommitterData }
  | { kind: 'commit'; transactions: TransactionRecord[] }
  | { kind: 'close' };

/** Messages from the commit worker: one answer per message, in order. */
export type FromCommitter =
  | { kind: 'ready' }
  | { kind: 'open-failed'; message: string }
  | { kind: 'committed'; block: CommittedBlock }
  | { kind: 'failed'; message: string }
  | { kind: 'closed' };

/** The committer refused a block: its SQLite transaction rolled back, none of its transactions committed. */
export class BlockCommitError extends Error {}

/**
 * The committer's thread died while it held blocks: whether they committed is known only from
 * the database.
 */
export class CommitterStoppedError extends Error {}

interface PendingCommit {
  resolve: (block: CommittedBlock) => void;
  reject: (error: Error) => void;
}

/** An idle committer thread, kept for the next ledger this process opens. */
const idleCommitter = new IdleThread();

export class CommitPipeline {
  private readonly pending: PendingCommit[] = [];
  private failure: Error | undefined;
  private stopping: Promise<void> | undefined;
  private onClosed: (() => void) | undefined;

  private readonly handleMessage = (message: FromCommitter): void => {
    switch (message.kind) {
      case 'committed':
        this.settleNext()?.resolve(message.block);
        break;
      case 'failed':
        this.settleNext()?.reject(new BlockCommitError(message.message));
        break;
      case 'closed':
        this.onClosed?.();
        break;
      default:
        break;
    }
  };

  private readonly handleError = (err: Error): void => {
    this.fail(new CommitterStoppedError(`the block committer failed: ${err.message}`, { cause: err }));
  };

  private readonly handleExit = (code: number): void => {
    this.fail(new CommitterStoppedError(`the block committer exited unexpectedly (code ${code})`));
  };

  private constructor(
    private readonly worker: Worker,
    private readonly reusable: boolean,
    private readonly logger: LedgerLogger,
  ) {
    worker.on('message', this.handleMessage);
    worker.on('error', this.handleError);
    worker.on('exit', this.handleExit);
    // An idle committer must not keep the process alive (an open ledger never did); a busy one must,
    // or a script awaiting a submit could exit with it pending. See commit() and settleNext().
    worker.unref();
  }

  /**
   * Opens the ledger database in the committer thread and checks the tip there: an idle thread if
   * there is one, else a new one. Tests pass `spawn` to get a thread of their own (never reused).
   */
  static async start(data: CommitterData, logger: LedgerLogger, spawn?: () => Worker): Promise<CommitPipeline> {
    const reusable = spawn === undefined;
    const worker = spawn !== undefined ? spawn() : (idleCommitter.take() ?? spawnCommitter());
    worker.ref();
    const reply = await new Promise<FromCommitter | Error>((resolve) => {
      const onMessage = (message: FromCommitter): void => {
        done(message);
      };
      const onError = (err: Error): void => {
        done(err);
      };
      const onExit = (code: number): void => {
        done(new Error(`the block committer exited (code ${code}) before it was ready`));
      };
      const done = (outcome: FromCommitter | Error): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve(outcome);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      const message: ToCommitter = { kind: 'open', data };
      worker.postMessage(message);
    });
    if (reply instanceof Error) {
      throw reply;
    }
    if (reply.kind !== 'ready') {
      // The thread is fine; the database or the tip was not.
      if (reusable) {
        idleCommitter.keep(worker);
      } else {
        void worker.terminate();
      }
      throw new Error(reply.kind === 'open-failed' ? reply.message : `the block committer answered ${reply.kind} to open`);
    }
    return new CommitPipeline(worker, reusable, logger);
  }

  /** Hands a block over; resolves once it is durably committed, in the order blocks were handed over. */
  commit(transactions: TransactionRecord[]): Promise<CommittedBlock> {
    if (this.failure !== undefined) {
      return Promise.reject(this.failure);
    }
    if (this.stopping !== undefined) {
      return Promise.reject(new BlockCommitError('the block committer is closing'));
    }
    return new Promise((resolve, reject) => {
      const message: ToCommitter = { kind: 'commit', transactions };
      // First, so that a block that cannot be copied (it would throw here) leaves no answer expected.
      this.worker.postMessage(message);
      if (this.pending.length === 0) {
        this.worker.ref();
      }
      this.pending.push({ resolve, reject });
    });
  }

  /** Lets the committer finish every block handed over, then closes its connection. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    if (this.failure === undefined) {
      this.worker.ref();
      await new Promise<void>((resolve) => {
        this.onClosed = resolve;
        const message: ToCommitter = { kind: 'close' };
        this.worker.postMessage(message);
      });
    }
    this.worker.off('message', this.handleMessage);
    this.worker.off('error', this.handleError);
    this.worker.off('exit', this.handleExit);
    if (this.failure === undefined && this.reusable) {
      idleCommitter.keep(this.worker);
    } else if (this.failure === undefined) {
      void this.worker.terminate();
    }
  }

  private settleNext(): PendingCommit | undefined {
    const next = this.pending.shift();
    if (this.pending.length === 0 && this.stopping === undefined) {
      this.worker.unref();
    }
    return next;
  }

  private fail(error: Error): void {
    if (this.failure !== undefined) {
      return;
    }
    this.failure = error;
    this.logger.error({ err: error, blocks: this.pending.length }, 'the block committer stopped');
    for (const p of this.pending.splice(0)) {
      p.reject(error);
    }
    void this.worker.terminate();
    // A stop() waiting for 'closed' will not get it.
    this.onClosed?.();
  }
}

/**
 * A new committer thread. `prelude` is JavaScript run in the thread before the committer's own
 * code (tests use it to make the thread die at a chosen moment).
 */
export function spawnCommitter(prelude = ''): Worker {
  return spawnWorker(join(__dirname, `commit-worker${extname(__filename)}`), prelude);
}
