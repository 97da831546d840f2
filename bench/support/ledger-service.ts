// The built ledger service (dist/apps/ledger/src/main.js) in a child process, as the ledger and
// Fabric benches run it: the same settings, so that their numbers differ only by the ledger behind it.
import * as path from 'node:path';
import { runNode, runNodeToEnd, type NodeChild } from './node-process';

/** dist/, from dist/bench/support/. */
const DIST_ROOT = path.join(__dirname, '../..');

/**
 * The service's recommended runtime setting (apps/ledger/README.md, "Runtime"): a young generation
 * large enough for hundreds of transactions in flight. With V8's default (16 MB semi-spaces) the
 * service spends about a fifth of its time in scavenges at 256 in flight.
 */
const SERVICE_NODE_OPTIONS = '--max-semi-space-size=64';

/** The service's environment: this process's, the bench's NATS and data directory, and `extra` (the ledger adapter's settings). */
export function ledgerServiceEnv(natsUrl: string, dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NATS_URL: natsUrl,
    PHDMF_DATA_DIR: dataDir,
    LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
    // Its background check of the whole chain at start would take CPU from the runs being measured.
    LEDGER_VERIFY_ON_START: 'false',
    NODE_OPTIONS: [process.env['NODE_OPTIONS'], SERVICE_NODE_OPTIONS].filter((o) => o !== undefined && o !== '').join(' '),
    ...extra,
  };
}

/** Applies the service's migrations (dist/apps/ledger/src/migrate.js); its output is shown, or only kept for the error. */
export async function migrateLedgerService(env: NodeJS.ProcessEnv, output: 'inherit' | 'capture'): Promise<void> {
  await runNodeToEnd(path.join(DIST_ROOT, 'apps/ledger/src/migrate.js'), env, output, "migrating the ledger service's database");
}

/** Starts dist/apps/ledger/src/main.js; `nodeArgs` go to node (e.g. `--cpu-prof`). */
export function runLedgerService(env: NodeJS.ProcessEnv, nodeArgs: string[] = []): NodeChild {
  return runNode(path.join(DIST_ROOT, 'apps/ledger/src/main.js'), env, nodeArgs);
}
