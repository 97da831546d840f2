// The inspection's thread: tokenizer and type inference over the chunks the upload hands over
// (shared memory, not copied), one answer per message, in order; after a file's `finish` it starts
// afresh, ready for the next file. See `csv-inspection.ts`.
import { parentPort } from 'node:worker_threads';
import { CsvProblem } from '../../domain/csv-schema';
import { createCsvReader } from './csv-reader';
import type { InspectionReply, InspectionRequest } from './csv-inspection.protocol';

const port = parentPort;
if (port === null) throw new Error('csv-inspection.worker runs as a worker thread');

let reader = createCsvReader();
let refused: InspectionReply | undefined;

port.on('message', (request: InspectionRequest) => {
  port.postMessage(refused ?? answer(request));
  if (request.kind === 'finish') {
    reader = createCsvReader();
    refused = undefined;
  }
});

function answer(request: InspectionRequest): InspectionReply {
  try {
    if (request.kind === 'chunk') {
      reader.push(new Uint8Array(request.memory, request.offset, request.length));
      return { kind: 'taken' };
    }
    return { kind: 'schema', schema: reader.finish() };
  } catch (error) {
    if (!(error instanceof CsvProblem)) throw error;
    // Every later message gets the same answer: the first problem is the one reported.
    refused = { kind: 'refused', line: error.line, problem: error.problem };
    return refused;
  }
}
