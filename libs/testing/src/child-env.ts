import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

/**
 * The environment for a service a test starts as a child process. DATABASE_URL is left out: a
 * service under test keeps its data in the test's own temp directory (SQLite), never in a
 * PostgreSQL schema that other test runs on the same server share. PostgreSQL is exercised by the
 * persistence tests, each in a database of its own.
 */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  return { ...env, ...extra };
}

const WORKSPACE_ROOT = path.join(__dirname, '../../..');

/** A child process started by {@link spawnTsEntry}: its output so far, and its exit code once it ends. */
export interface TsChild {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far (for the message of a failed test). */
  output: () => string;
  /** Its exit code (`null` when a signal ended it: see `child.signalCode`). */
  exited: Promise<number | null>;
}

/**
 * Runs a TypeScript entry point of the workspace in a child process, compiled on the fly by SWC
 * (`@swc-node/register`), from the workspace root, with {@link childEnv}. Services run this way
 * are the real entry points (main.ts, migrate.ts), so a test sees what a deployment would.
 */
export function spawnTsEntry(entry: string, env: Record<string, string | undefined>, args: string[] = []): TsChild {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.resolve(WORKSPACE_ROOT, entry), ...args], {
    cwd: WORKSPACE_ROOT,
    env: childEnv({ ...env, SWC_NODE_PROJECT: path.join(WORKSPACE_ROOT, 'tsconfig.json') }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      resolve(code);
    });
  });
  return { child, output: () => output, exited };
}
