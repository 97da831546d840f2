// A thread for spawn-worker.spec.ts: it loads a workspace module through its path alias (as the ledger's
// committer does) and answers each message with that module's canonical form of it.
import { parentPort } from 'node:worker_threads';
import { canonicalJson } from '@phdmf/chaincode/canonical-json';

parentPort?.on('message', (message: unknown) => {
  parentPort?.postMessage(canonicalJson(message));
});
