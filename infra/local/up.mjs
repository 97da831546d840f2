#!/usr/bin/env node
// Brings PHDMF up on one machine: installs what it needs, builds, starts NATS with JetStream (its
// own data directory, loopback only), applies each service's migrations (the explicit step), and
// starts every service. Ctrl-C stops everything it started, and nothing else.
//
//   npm start                 start (installing and building as needed)
//   npm start -- --reset      delete the local data first (ledger, databases, NATS store)
//   npm start -- --no-install skip the dependency and build steps (used by tests)
//
// Plain Node.js with no dependencies: it must run before `npm ci` has.
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = new Set(process.argv.slice(2));
const env = process.env;
const dataDir = path.resolve(env.PHDMF_DATA_DIR ?? path.join(root, '.data'));
const natsPort = Number(env.PHDMF_NATS_PORT ?? 4322);
const httpPort = Number(env.HTTP_PORT ?? 3000);
const storageHttpPort = Number(env.STORAGE_HTTP_PORT ?? 8480);
const logLevel = env.LOG_LEVEL ?? 'info';
const SERVICES = ['ledger', 'accounts', 'node-registry', 'data-storage', 'authorization', 'aggregation', 'api-gateway'];
const WITHOUT_DATABASE = new Set(['api-gateway']);

const children = new Map(); // name -> ChildProcess
let stopping = false;

function step(message) {
  process.stdout.write(`\u001b[36m▸\u001b[0m ${message}\n`);
}
function fail(message) {
  process.stderr.write(`\u001b[31m✖ ${message}\u001b[0m\n`);
  void shutdown(1);
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed with exit code ${r.status}`);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) throw new Error(`Node.js >= 20.19 is required (found ${process.versions.node})`);
}

function findNatsServer() {
  const candidates = [env.NATS_SERVER_BIN, ...(env.PATH ?? '').split(':').map((d) => path.join(d, 'nats-server')), '/usr/sbin/nats-server', '/usr/bin/nats-server'];
  return candidates.find((c) => c && existsSync(c));
}

function ensureNatsServer() {
  let bin = findNatsServer();
  if (bin) return bin;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    step('nats-server not found: installing it from the OS packages (apt-get install nats-server)');
    run('apt-get', ['update', '-q']);
    run('apt-get', ['install', '-y', '-q', 'nats-server'], { env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } });
    bin = findNatsServer();
    if (bin) return bin;
  }
  throw new Error('nats-server (2.9 or later, with JetStream) is required. Install it with: sudo apt-get install nats-server   (or set NATS_SERVER_BIN to its path)');
}

function ensureDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
    // `npm install`, not `npm ci`: see .ci/run (the lock cannot list other platforms' binaries).
    step('installing npm dependencies (npm install)');
    run('npm', ['install', '--no-audit', '--no-fund']);
  }
  step('building (tsc)');
  run('npm', ['run', '--silent', 'build']);
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(check, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startChild(name, cmd, argv, childEnv) {
  mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
  const logFile = path.join(dataDir, 'logs', `${name}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(cmd, argv, { cwd: root, env: childEnv, stdio: ['ignore', out, out] });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) process.stderr.write(`\u001b[31m✖ ${name} exited (${signal ?? code}); see ${logFile}\u001b[0m\n`);
  });
  return child;
}

/** The demo site's node key: generated once, kept with the site's data (0600). */
function ensureNodeKey(nodeId) {
  const file = path.join(dataDir, 'keys', `${nodeId}.pem`);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  return file;
}

/**
 * The consortium admin is bootstrapped from configuration on first start. Unless one is given,
 * the demo gets a random password, generated once and kept (0600) with the local data.
 */
const adminEmail = env.BOOTSTRAP_ADMIN_EMAIL ?? 'admin@phdmf.local';
function ensureAdminPasswordFile() {
  if (env.BOOTSTRAP_ADMIN_PASSWORD_FILE) return env.BOOTSTRAP_ADMIN_PASSWORD_FILE;
  const file = path.join(dataDir, 'keys', 'bootstrap-admin.password');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  return file;
}

/** Per-service settings on top of the shared ones. */
function envFor(service, shared) {
  switch (service) {
    case 'api-gateway':
      return { ...shared, HTTP_PORT: String(httpPort) };
    case 'accounts':
      return env.BOOTSTRAP_ADMIN_PASSWORD
        ? { ...shared, BOOTSTRAP_ADMIN_EMAIL: adminEmail }
        : { ...shared, BOOTSTRAP_ADMIN_EMAIL: adminEmail, BOOTSTRAP_ADMIN_PASSWORD_FILE: ensureAdminPasswordFile() };
    case 'ledger':
      // A larger young generation halves GC time at high transaction rates (see bench/ledger).
      return { ...shared, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --max-semi-space-size=64`.trim() };
    case 'data-storage':
      return {
        ...shared,
        NODE_ID: env.NODE_ID ?? 'demo-site',
        ORGANISATION_ID: env.ORGANISATION_ID ?? 'demo-institution',
        NODE_PRIVATE_KEY_FILE: env.NODE_PRIVATE_KEY_FILE ?? ensureNodeKey(env.NODE_ID ?? 'demo-site'),
        JWT_ISSUER: env.AUTH_ISSUER ?? 'phdmf-accounts',
        JWT_AUDIENCE: env.AUTH_AUDIENCE ?? 'phdmf-api',
        HTTP_PORT: String(storageHttpPort),
      };
    default:
      return shared;
  }
}

function writePids() {
  const pids = Object.fromEntries([...children].map(([name, c]) => [name, c.pid]));
  writeFileSync(path.join(dataDir, 'pids.json'), JSON.stringify({ supervisor: process.pid, children: pids }, null, 2));
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  step('stopping');
  // Services first (they drain their NATS work), NATS last.
  const services = [...children].filter(([name]) => name !== 'nats');
  await Promise.all(services.map(([, c]) => stopChild(c)));
  const nats = children.get('nats');
  if (nats) await stopChild(nats);
  rmSync(path.join(dataDir, 'pids.json'), { force: true });
  step('stopped');
  process.exit(code);
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function main() {
  checkNode();
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const natsBin = ensureNatsServer();
  if (!args.has('--no-install')) ensureDependencies();
  if (args.has('--reset')) {
    step(`resetting local data in ${dataDir}`);
    rmSync(dataDir, { recursive: true, force: true });
  }
  mkdirSync(dataDir, { recursive: true });

  if (await portOpen(natsPort)) throw new Error(`port ${natsPort} is in use; set PHDMF_NATS_PORT to a free port`);
  if (await portOpen(httpPort)) throw new Error(`port ${httpPort} is in use; set HTTP_PORT to a free port`);
  if (await portOpen(storageHttpPort)) throw new Error(`port ${storageHttpPort} is in use; set STORAGE_HTTP_PORT to a free port`);

  step(`starting nats-server with JetStream on 127.0.0.1:${natsPort}`);
  startChild('nats', natsBin, ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', path.join(dataDir, 'nats')], env);
  await waitFor(() => portOpen(natsPort), 'nats-server');

  const serviceEnv = { ...env, NATS_URL: `nats://127.0.0.1:${natsPort}`, PHDMF_DATA_DIR: dataDir, LOG_LEVEL: logLevel };
  delete serviceEnv.HTTP_PORT;
  for (const service of SERVICES.filter((s) => !WITHOUT_DATABASE.has(s))) {
    step(`migrating ${service}`);
    run(process.execPath, [path.join('dist/apps', service, 'src/migrate.js')], { env: { ...envFor(service, serviceEnv), LOG_LEVEL: 'warn' } });
  }

  for (const service of SERVICES) {
    step(`starting ${service}`);
    startChild(service, process.execPath, [path.join('dist/apps', service, 'src/main.js')], envFor(service, serviceEnv));
  }
  writePids();

  // Each service answers its health query over NATS once it is up.
  const require = (await import('node:module')).createRequire(import.meta.url);
  const { connect } = require(path.join(root, 'node_modules/nats'));
  const { GetHealth } = require(path.join(root, 'dist/libs/contracts/src/index.js'));
  const nc = await connect({ servers: serviceEnv.NATS_URL });
  const health = {};
  await Promise.all(
    SERVICES.map((service) =>
      waitFor(async () => {
        try {
          const reply = await nc.request(GetHealth.SUBJECTS[service], new TextEncoder().encode('{}'), { timeout: 1000 });
          const body = JSON.parse(new TextDecoder().decode(reply.data));
          health[service] = body.ok ? body.data.status : 'error';
          return body.ok && body.data.status === 'up';
        } catch {
          return false;
        }
      }, `${service} to answer its health query`, 60_000),
    ),
  );
  await nc.close();

  process.stdout.write('\nPHDMF is up on this machine (embedded defaults)\n');
  for (const service of SERVICES) process.stdout.write(`  ${service.padEnd(14)} ${health[service]}   pid ${children.get(service)?.pid}\n`);
  process.stdout.write(`\n  REST edge        http://127.0.0.1:${httpPort}   (GET /health, GET /ready)\n`);
  process.stdout.write(`  storage site     http://127.0.0.1:${storageHttpPort}   (demo-site's local API for its institution's users)\n`);
  process.stdout.write(`  NATS             nats://127.0.0.1:${natsPort}\n`);
  process.stdout.write(`  data and logs    ${dataDir}\n`);
  if (!env.BOOTSTRAP_ADMIN_PASSWORD) {
    const password = readFileSync(env.BOOTSTRAP_ADMIN_PASSWORD_FILE ?? path.join(dataDir, 'keys', 'bootstrap-admin.password'), 'utf8').trim();
    process.stdout.write(`  consortium admin ${adminEmail} / ${password}   (POST /api/v1/auth/login)\n`);
  }
  process.stdout.write('\nPress Ctrl-C to stop.\n');
  process.stdout.write('PHDMF_READY\n');
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
