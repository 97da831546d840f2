// A local Fabric network of our own for tests and benchmarks: infra/fabric/network.sh on free ports in
// a temporary data directory, stopped (and its directory deleted) by `stop()`. Used by
// e2e/fabric/fabric-conformance.spec.ts and bench/fabric/run.ts.
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '@phdmf/testing';

const REQUIRED_BINARIES = ['peer', 'orderer', 'osnadmin', 'configtxgen', 'cryptogen'] as const;
const NETWORK_PORT_VARIABLES = ['FABRIC_ORDERER_PORT', 'FABRIC_ORDERER_ADMIN_PORT', 'FABRIC_ORDERER_OPS_PORT', 'FABRIC_CHAINCODE_PORT'];
/** Orderer i's port variables, i >= 2 (network.sh orderer_defaults; orderer 1 is FABRIC_ORDERER_*). */
const ordererPortVariables = (i: number): string[] => ['PORT', 'ADMIN_PORT', 'OPS_PORT'].map((p) => `FABRIC_ORDERER${i}_${p}`);
/** Organisation n's port variables (network.sh org_defaults). */
const orgPortVariables = (n: number): string[] => ['PEER_PORT', 'CHAINCODE_LISTEN_PORT', 'OPS_PORT'].map((p) => `FABRIC_ORG${n}_${p}`);

/**
 * The repository root: above this file (bench/fabric/local-network.ts, or its build under dist/), else
 * above the working directory (a build written outside the checkout, run from the checkout).
 */
export function repoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    let dir = start;
    for (;;) {
      if (isFile(path.join(dir, 'infra/fabric/network.sh'))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`infra/fabric/network.sh not found above ${__dirname} nor above the working directory ${process.cwd()}`);
}

function isFile(file: string, mode = constants.F_OK): boolean {
  try {
    accessSync(file, mode);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the Fabric binaries are: `$FABRIC_BIN` if set, else the PATH directory holding them all.
 * Returns `{ missing }` naming what cannot be found.
 */
export function findFabricBinaries(env: NodeJS.ProcessEnv = process.env): { binDir: string } | { missing: string } {
  const dirs = env['FABRIC_BIN'] !== undefined && env['FABRIC_BIN'] !== '' ? [env['FABRIC_BIN']] : (env['PATH'] ?? '').split(path.delimiter).filter((d) => d !== '');
  const where = env['FABRIC_BIN'] ? `FABRIC_BIN=${env['FABRIC_BIN']}` : 'PATH (FABRIC_BIN not set)';
  const found = new Map<string, string>();
  for (const binary of REQUIRED_BINARIES) {
    const dir = dirs.find((d) => isFile(path.join(d, binary), constants.X_OK));
    if (dir !== undefined) found.set(binary, dir);
  }
  const missing = REQUIRED_BINARIES.filter((b) => !found.has(b));
  if (missing.length > 0) return { missing: `Fabric binaries not found in ${where}: ${missing.join(', ')}` };
  // network.sh takes one directory: the one holding `peer` (FABRIC_BIN or PATH resolves the others).
  return { binDir: found.get('peer') ?? '' };
}

/** The major version of the `peer` in `binDir` (`peer version`). */
export function fabricMajorVersion(binDir: string): number {
  const out = execFileSync(path.join(binDir, 'peer'), ['version'], { encoding: 'utf8' });
  const match = /Version:\s*v?(\d+)\./.exec(out);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

export interface LocalFabricNetwork {
  dataDir: string;
  connectionFile: string;
  /** Runs network.sh with this network's settings (e.g. `down`, `up`, `status`). */
  script(...args: string[]): Promise<string>;
  /** Stops the network and deletes its data directory (unless `keep`). */
  stop(keep?: boolean): Promise<void>;
}

export interface LocalFabricNetworkOptions {
  batchTimeout?: string;
  /** Ordering: one Raft orderer (default) or SmartBFT with four orderers (FABRIC_CONSENSUS=bft, Fabric >= 3.0). */
  consensus?: 'raft' | 'bft';
  /** Founding member organisations (FABRIC_ORGS), 2 by default. */
  organisations?: number;
  /** Organisations to reserve free ports for, counting the founding ones: those that join later (`org init N`). */
  reserveOrganisations?: number;
  log?: (line: string) => void;
}

/** Starts a fresh network on free ports in a new temporary directory; ~10 s. */
export async function startLocalFabricNetwork(binDir: string, options: LocalFabricNetworkOptions = {}): Promise<LocalFabricNetwork> {
  const root = repoRoot();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'phdmf-fabric-'));
  const organisations = options.organisations ?? 2;
  const consensus = options.consensus ?? 'raft';
  const portVariables = [...NETWORK_PORT_VARIABLES];
  if (consensus === 'bft') for (let i = 2; i <= 4; i += 1) portVariables.push(...ordererPortVariables(i));
  for (let n = 1; n <= Math.max(organisations, options.reserveOrganisations ?? 0); n += 1) portVariables.push(...orgPortVariables(n));
  const ports = new Set<number>();
  while (ports.size < portVariables.length) ports.add(await freePort());
  const portList = [...ports];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FABRIC_BIN: binDir,
    FABRIC_DATA_DIR: dataDir,
    FABRIC_ORGS: String(organisations),
    FABRIC_CONSENSUS: consensus,
    ...Object.fromEntries(portVariables.map((name, i) => [name, String(portList[i])])),
    ...(options.batchTimeout !== undefined ? { FABRIC_BATCH_TIMEOUT: options.batchTimeout } : {}),
  };
  const script = (...args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(path.join(root, 'infra/fabric/network.sh'), args, { cwd: root, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (error) reject(new Error(`network.sh ${args.join(' ')} failed (${error.message}):\n${output.slice(-4000)}`));
        else resolve(output);
      });
    });
  try {
    const output = await script('up');
    options.log?.(output.trim().split('\n').at(-1) ?? '');
  } catch (error) {
    await script('down', '--purge').catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    dataDir,
    connectionFile: path.join(dataDir, 'connection.json'),
    script,
    stop: async (keep = false) => {
      await script('down', ...(keep ? [] : ['--purge']));
      if (!keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
