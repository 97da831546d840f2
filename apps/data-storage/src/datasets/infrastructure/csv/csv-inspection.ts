// A CSV upload's inspection (tokenizer + the domain's type inference), in two forms with the same
// answers: `CsvInspector` on the calling thread, and `CsvInspection`, which runs it in a worker
// thread while the upload streams in. The upload uses the thread: the inspection (~1 byte-step per
// byte in JavaScript) then overlaps the socket reads, the SHA-256 and the disk writes of the event
// loop instead of adding to them. The chunks are shared with the thread (SharedArrayBuffer), not
// copied; the upload reuses a chunk's memory only once the thread answered for it.
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CsvProblem, TableInference, type CsvLimits, type CsvSchema } from '../../domain/csv-schema';
import { CsvInvalidError } from '../../domain/storage-errors';
import { CsvTokenizer } from './csv-tokenizer';
import type { InspectionReply, InspectionRequest } from './csv-inspection.protocol';

/** On this thread: push() the chunks, then finish(); either throws CsvInvalidError naming the line. */
export class CsvInspector {
  private readonly inference: TableInference;
  private readonly tokenizer: CsvTokenizer;

  constructor(limits: CsvLimits = {}) {
    this.inference = new TableInference(limits);
    this.tokenizer = new CsvTokenizer(this.inference);
  }

  push(chunk: Uint8Array): void {
    refuseOn(() => {
      this.tokenizer.push(chunk);
    });
  }

  finish(): CsvSchema {
    return refuseOn(() => {
      this.tokenizer.finish();
      return this.inference.finish();
    });
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
 * `finish()` gives the schema. `close()` ends the thread (always call it).
 */
export class CsvInspection {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (reply: InspectionReply) => void; reject: (error: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor() {
    this.worker = spawnInspectionThread();
    this.worker.on('message', (reply: InspectionReply) => this.waiting.shift()?.resolve(reply));
    this.worker.on('error', (error) => {
      this.fail(error);
    });
    this.worker.on('exit', (code) => {
      this.fail(new Error(`the CSV inspection thread exited (code ${code})`));
    });
  }

  /** Hands the thread the next bytes. A chunk outside shared memory is copied into it first. */
  async inspect(chunk: Buffer): Promise<void> {
    let memory = chunk.buffer;
    if (!(memory instanceof SharedArrayBuffer) || chunk.byteOffset !== 0) {
      memory = new SharedArrayBuffer(chunk.length);
      chunk.copy(Buffer.from(memory));
    }
    this.answer(await this.request({ kind: 'chunk', memory, length: chunk.length }));
  }

  async finish(): Promise<CsvSchema> {
    const reply = this.answer(await this.request({ kind: 'finish' }));
    if (reply.kind !== 'schema') throw new Error('the CSV inspection thread answered out of order');
    return reply.schema;
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the CSV inspection was closed');
    await this.worker.terminate();
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

/**
 * The thread, from the built JavaScript; from the TypeScript sources (Jest, scripts) a worker does
 * not inherit the parent's compile hooks, so SWC's plain transform is installed first (the thread's
 * modules import only each other and Node: no path aliases to resolve). As in the embedded ledger's
 * committer thread.
 */
function spawnInspectionThread(): Worker {
  const extension = extname(__filename);
  const entry = join(__dirname, `csv-inspection.worker${extension}`);
  if (extension !== '.ts') return new Worker(entry);
  return new Worker(
    `const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');
require.extensions['.ts'] = (module, filename) => {
  const options = {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', transform: { useDefineForClassFields: false } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  };
  module._compile(transformSync(readFileSync(filename, 'utf8'), options).code, filename);
};
require(${JSON.stringify(entry)});`,
    { eval: true },
  );
}
