// A CSV upload's inspection (a reader, native or JavaScript, see `csv-reader.ts`, + the domain's
// header rules and types), in two forms with the same answers: `CsvInspector` on the calling thread,
// and `CsvInspection`, which runs it in a worker thread while the upload streams in. The upload uses
// the thread: the inspection then overlaps the socket reads, the SHA-256 and the disk writes of the
// event loop instead of adding to them. The chunks are shared with the thread (SharedArrayBuffer), not
// copied; the upload reuses a chunk's memory only once the thread answered for it.
import { extname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { IdleThread, spawnWorker } from '@phdmf/threads';
import { CsvProblem, type CsvLimits, type CsvSchema } from '../../domain/csv-schema';
import { CsvInvalidError } from '../../domain/storage-errors';
import { createCsvReader, type CsvReader, type CsvReaderKind } from './csv-reader';
import type { InspectionReply, InspectionRequest } from './csv-inspection.protocol';

/**
 * On this thread: push() the chunks, then finish(); either throws CsvInvalidError naming the line.
 * The back end is the native reader when it loaded (see `csv-reader.ts`), unless one is named.
 */
export class CsvInspector {
  private readonly reader: CsvReader;

  constructor(limits: CsvLimits = {}, kind?: CsvReaderKind) {
    this.reader = createCsvReader(limits, kind);
  }

  push(chunk: Uint8Array): void {
    refuseOn(() => {
      this.reader.push(chunk);
    });
  }

  finish(): CsvSchema {
    return refuseOn(() => this.reader.finish());
  }
}

function refuseOn<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw error instanceof CsvProblem ? new CsvInvalidError(error.line, error.problem) : error;
  }
}

/**
 * The inspection in its own worker thread. `inspect(chunk)` resolves once the thread is done with
 * the chunk's memory, and rejects with CsvInvalidError (naming the line) if the file is refused;
 * `finish()` gives the schema. `close()` gives the thread back (always call it): a thread whose file
 * was finished waits, idle, for the next upload (one at most; starting a thread costs 30–120 ms), any
 * other is ended.
 */
export class CsvInspection {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (reply: InspectionReply) => void; reject: (error: Error) => void }[] = [];
  private failure: Error | undefined;
  private finished = false;

  private readonly onMessage = (reply: InspectionReply): void => this.waiting.shift()?.resolve(reply);
  private readonly onError = (error: Error): void => {
    this.fail(error);
  };
  private readonly onExit = (code: number): void => {
    this.fail(new Error(`the CSV inspection thread exited (code ${code})`));
  };

  constructor() {
    this.worker = idleThread.take() ?? spawnInspectionThread();
    this.worker.on('message', this.onMessage);
    this.worker.on('error', this.onError);
    this.worker.on('exit', this.onExit);
  }

  /** Hands the thread the next bytes. A chunk outside shared memory is copied into it first. */
  async inspect(chunk: Buffer): Promise<void> {
    if (chunk.buffer instanceof SharedArrayBuffer) {
      this.answer(await this.request({ kind: 'chunk', memory: chunk.buffer, offset: chunk.byteOffset, length: chunk.length }));
      return;
    }
    const memory = new SharedArrayBuffer(chunk.length);
    chunk.copy(Buffer.from(memory));
    this.answer(await this.request({ kind: 'chunk', memory, offset: 0, length: chunk.length }));
  }

  /** The thread's id (the same for consecutive inspections that reuse an idle thread). */
  get threadId(): number {
    return this.worker.threadId;
  }

  async finish(): Promise<CsvSchema> {
    const reply = await this.request({ kind: 'finish' });
    // Answered, refused or not: the thread has started afresh.
    this.finished = this.waiting.length === 0;
    if (this.answer(reply).kind !== 'schema') throw new Error('the CSV inspection thread answered out of order');
    return (reply as Extract<InspectionReply, { kind: 'schema' }>).schema;
  }

  async close(): Promise<void> {
    const reusable = this.finished && this.failure === undefined && this.waiting.length === 0;
    // Whatever still waits for an answer (an upload cut off mid-file) is told, not left hanging.
    this.fail(new Error('the CSV inspection was closed'));
    this.worker.off('message', this.onMessage);
    this.worker.off('error', this.onError);
    this.worker.off('exit', this.onExit);
    if (reusable && !idleThread.holding) idleThread.keep(this.worker);
    else await this.worker.terminate();
  }

  private request(message: InspectionRequest): Promise<InspectionReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(message);
    });
  }

  private answer(reply: InspectionReply): InspectionReply {
    if (reply.kind === 'refused') throw new CsvInvalidError(reply.line, reply.problem);
    return reply;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiting.splice(0)) w.reject(error);
  }
}

/** A finished upload's thread, kept for the next one. */
const idleThread = new IdleThread();

/** The thread, from the built JavaScript or the TypeScript sources (@phdmf/threads). */
function spawnInspectionThread(): Worker {
  return spawnWorker(join(__dirname, `csv-inspection.worker${extname(__filename)}`));
}
