#!/usr/bin/env node
// Brings the whole PHDMF consortium up on one machine: installs what it needs, builds, starts NATS
// with JetStream (its own data directory, loopback only), creates the event stream and the services'
// durable consumers as the operator (no service may), applies each service's migrations (the
// explicit step), starts every central service with the embedded ledger, and three demo
// institutions, each running its OWN storage site (own process, port, SQLite database, node key and
// data directory). It then seeds the demo through the real flows — accounts, membership applications
// admitted on-chain, datasets uploaded and released through each site's local API — and prints the
// URLs and the demo credentials. Seeding looks before it writes: a restart finds everything in place.
// While it runs, it restarts any process that dies (supervisor.mjs). Ctrl-C stops everything it
// started, and nothing else.
//
//   npm start                  start (installing and building as needed)
//   npm start -- --reset       delete the local data first (ledger, databases, sites, NATS store, keys)
//   npm start -- --no-install  skip the dependency and build steps (used by tests)
//
// Plain Node.js: nothing from node_modules is imported before the install step has run.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { authorizationBlock, ensureNatsUsers, identitiesOf, inboxPrefixOf, siteIdentity } from '../nats/permissions.mjs';
import { DEMO_INSTITUTIONS, DEMO_RESEARCHER, headEmail, memberEmail } from './demo.mjs';
import { CallError, ensureNodeKey, ensurePassword, Seeder } from './seed.mjs';
import { Supervisor } from './supervisor.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = new Set(process.argv.slice(2));
const env = process.env;
const dataDir = path.resolve(env.PHDMF_DATA_DIR ?? path.join(root, '.data'));
const keysDir = path.join(dataDir, 'keys');
const natsPort = Number(env.PHDMF_NATS_PORT ?? 4322);
const httpPort = Number(env.HTTP_PORT ?? 3000);
// Each central service's Prometheus /metrics listener: consecutive ports from this one (the sites
// serve /metrics on their own local API's port).
const metricsPort = Number(env.PHDMF_METRICS_PORT ?? 9464);
const logLevel = env.LOG_LEVEL ?? 'info';
// How long a process may take to become healthy: the services' own start deadline (their first NATS
// connection is retried until then; libs/config's SERVICE_START_TIMEOUT_MS, the same default), so this
// script waits for a service exactly as long as the service itself keeps trying.
const startTimeoutMs = Number(env.SERVICE_START_TIMEOUT_MS ?? 90_000);
const CENTRAL = ['ledger', 'accounts', 'node-registry', 'authorization', 'aggregation', 'api-gateway'];
const WITHOUT_DATABASE = new Set(['api-gateway']);
/** Shutdown order: the edge and the sites stop taking work first, the ledger after the services that call it, NATS last. */
const STAGE = { 'api-gateway': 0, site: 0, accounts: 1, 'node-registry': 1, authorization: 1, aggregation: 1, ledger: 2, nats: 3 };
const edge = `http://127.0.0.1:${httpPort}`;
const api = `${edge}/api/v1`;
const startedAt = Date.now();

/** Each site's port: STORAGE_HTTP_PORTS (comma-separated, one per site), else STORAGE_HTTP_PORT (8480) and the ports after it. */
function configuredSitePorts() {
  if (env.STORAGE_HTTP_PORTS) {
    const ports = env.STORAGE_HTTP_PORTS.split(',').map((p) => Number(p.trim()));
    if (ports.length !== DEMO_INSTITUTIONS.length || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
      throw new Error(`STORAGE_HTTP_PORTS must list ${DEMO_INSTITUTIONS.length} ports, one per demo site (${DEMO_INSTITUTIONS.map((i) => i.nodeId).join(', ')})`);
    }
    return ports;
  }
  const first = Number(env.STORAGE_HTTP_PORT ?? 8480);
  if (!Number.isInteger(first) || first < 1 || first > 65535 - DEMO_INSTITUTIONS.length) throw new Error('STORAGE_HTTP_PORT must be a port number');
  return DEMO_INSTITUTIONS.map((_, i) => first + i);
}

/** The demo sites: each its own process, port, directory (database, files, node key) and member id. */
function demoSites() {
  const ports = configuredSitePorts();
  return DEMO_INSTITUTIONS.map((institution, i) => {
    const dir = path.join(dataDir, 'sites', institution.nodeId);
    return {
      institution,
      nodeId: institution.nodeId,
      port: ports[i],
      url: `http://127.0.0.1:${ports[i]}`,
      dir,
      stateFile: path.join(dir, 'site.json'),
      keyFile: path.join(dir, 'node-key.pem'),
      /** The shell variable the README walkthrough uses for this site's URL (site-north → SITE_NORTH). */
      envName: institution.nodeId.toUpperCase().replace(/-/g, '_'),
      memberId: undefined,
      datasets: [],
    };
  });
}

let supervisor;
let stopping = false;

function elapsed() {
  return `${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)} s`;
}
function step(message) {
  process.stdout.write(`\u001b[36m▸\u001b[0m ${message}\n`);
}
function done(message) {
  process.stdout.write(`\u001b[32m✓\u001b[0m ${message} \u001b[2m(${elapsed()})\u001b[0m\n`);
}
function warn(message) {
  process.stderr.write(`\u001b[33m! ${message}\u001b[0m\n`);
}
function fail(message) {
  process.stderr.write(`\u001b[31m✖ ${message}\u001b[0m\n`);
  void shutdown(1);
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed with exit code ${r.status}`);
}

/** A short-lived process (a migration), its output kept for the error message. */
function runAsync(label, cmd, argv, childEnv) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${label} failed with exit code ${code}:\n${output.slice(-4000)}`))));
  });
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

/** A long step in the foreground (its output shown), with a note every 5 s so it is never silent for long. */
function runWithProgress(label, cmd, argv) {
  return new Promise((resolve, reject) => {
    const begin = Date.now();
    const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit' });
    const ticker = setInterval(() => step(`… still ${label} (${Math.round((Date.now() - begin) / 1000)} s)`), 5_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${argv.join(' ')} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

async function ensureDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
    // `npm install`, not `npm ci`: see .ci/run (the lock cannot list other platforms' binaries).
    step('installing npm dependencies (npm install)');
    await runWithProgress('installing npm dependencies', 'npm', ['install', '--no-audit', '--no-fund']);
    done('dependencies installed');
  }
  step('building (npm run build: tsc)');
  await runWithProgress('building', 'npm', ['run', '--silent', 'build']);
  done('built');
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

/** Awaits `promise`, saying every 5 s that it is still at it, so nothing is silent for long. */
async function withProgress(label, promise) {
  const begin = Date.now();
  const ticker = setInterval(() => step(`… still ${label} (${Math.round((Date.now() - begin) / 1000)} s)`), 5_000);
  try {
    return await promise;
  } finally {
    clearInterval(ticker);
  }
}

/** Polls `check` until it is true; says what it is waiting for every 5 s, so nothing is silent for long. */
async function waitFor(check, what, timeoutMs = 60_000) {
  const begin = Date.now();
  let nextNote = begin + 5_000;
  while (!(await check())) {
    if (stopping) throw new Error('stopping');
    if (Date.now() > begin + timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    if (Date.now() > nextNote) {
      step(`… still waiting for ${what} (${Math.round((Date.now() - begin) / 1000)} s)`);
      nextNote += 5_000;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * The consortium admin is bootstrapped from configuration on first start. Unless one is given,
 * the demo gets a random password, generated once and kept (0600) with the local data.
 */
const adminEmail = env.BOOTSTRAP_ADMIN_EMAIL ?? 'admin@phdmf.local';
const adminPasswordFile = env.BOOTSTRAP_ADMIN_PASSWORD_FILE ?? path.join(keysDir, 'bootstrap-admin.password');
function ensureAdminPasswordFile() {
  if (!existsSync(adminPasswordFile)) {
    mkdirSync(path.dirname(adminPasswordFile), { recursive: true });
    writeFileSync(adminPasswordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  return adminPasswordFile;
}
// The accounts service stores its token-signing key encrypted with this key, which stays out of its database.
const signingKekFile = env.SIGNING_KEY_ENCRYPTION_KEY_FILE ?? path.join(keysDir, 'accounts-signing.kek');
function ensureSigningKekFile() {
  if (!existsSync(signingKekFile)) {
    mkdirSync(path.dirname(signingKekFile), { recursive: true });
    writeFileSync(signingKekFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return signingKekFile;
}
function adminPassword() {
  return env.BOOTSTRAP_ADMIN_PASSWORD ?? readFileSync(adminPasswordFile, 'utf8').trim();
}

function sharedEnv() {
  const shared = { ...env, NATS_URL: `nats://127.0.0.1:${natsPort}`, PHDMF_DATA_DIR: dataDir, LOG_LEVEL: logLevel, SERVICE_START_TIMEOUT_MS: String(startTimeoutMs) };
  // Everything of the one-machine system lives in the data directory (SQLite), so that a restart
  // finds it and --reset removes it; a DATABASE_URL meant for something else is not picked up.
  for (const name of ['HTTP_PORT', 'METRICS_PORT', 'STORAGE_HTTP_PORT', 'STORAGE_HTTP_PORTS', 'DATABASE_URL', 'NODE_ID', 'ORGANISATION_ID', 'NODE_PRIVATE_KEY_FILE']) delete shared[name];
  return shared;
}

// Every process on the bus has its own NATS user (an NKey; the seed stays in keys/nats, 0600) and may
// use only its own subjects (infra/nats/permissions.mjs); the server knows only the public keys.
const natsKeysDir = path.join(keysDir, 'nats');
const natsAuthFile = path.join(dataDir, 'nats-auth.conf');
function natsSeedFile(identity) {
  return path.join(natsKeysDir, `${identity}.nk`);
}
function natsIdentityEnv(identity) {
  return { NATS_NKEY_SEED_FILE: natsSeedFile(identity), NATS_INBOX_PREFIX: inboxPrefixOf(identity) };
}
/** Creates the missing NKeys and writes the server's authorization block for every identity. */
function ensureNatsAuth(sites, nkeys) {
  const users = ensureNatsUsers(natsKeysDir, identitiesOf(sites.map((s) => s.nodeId)), nkeys);
  writeFileSync(natsAuthFile, authorizationBlock(users), { mode: 0o600 });
}

/** Per-service settings on top of the shared ones. */
function envFor(service) {
  const shared = { ...sharedEnv(), ...natsIdentityEnv(service), METRICS_PORT: String(metricsPortOf(service)) };
  switch (service) {
    case 'api-gateway':
      // Every demo client is 127.0.0.1, so the per-address limit on credential endpoints (30 a
      // minute by default) would count the seeding, the walkthrough and the tests as one caller.
      // The console (built by `npm run build`) is served at the edge's `/`; its pages may upload
      // straight to the demo sites, so their origins are in its Content-Security-Policy.
      return {
        ...shared,
        HTTP_PORT: String(httpPort),
        AUTH_RATE_LIMIT_PER_MINUTE: env.AUTH_RATE_LIMIT_PER_MINUTE ?? '300',
        CONSOLE_DIR: path.join(root, 'dist', 'apps', 'web-console'),
        CONSOLE_CONNECT_ORIGINS: demoSites().map((s) => s.url).join(','),
      };
    case 'accounts': {
      const accounts = { ...shared, BOOTSTRAP_ADMIN_EMAIL: adminEmail, SIGNING_KEY_ENCRYPTION_KEY_FILE: ensureSigningKekFile() };
      return env.BOOTSTRAP_ADMIN_PASSWORD ? accounts : { ...accounts, BOOTSTRAP_ADMIN_PASSWORD_FILE: ensureAdminPasswordFile() };
    }
    case 'ledger':
      // A larger young generation halves GC time at high transaction rates (see bench/ledger).
      return { ...shared, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --max-semi-space-size=64`.trim() };
    default:
      return shared;
  }
}

function metricsPortOf(service) {
  return metricsPort + CENTRAL.indexOf(service);
}

/** A storage site: the data-storage service with its own data directory, database, key and port. */
function siteEnv(site) {
  return {
    ...sharedEnv(),
    ...natsIdentityEnv(siteIdentity(site.nodeId)),
    PHDMF_DATA_DIR: site.dir,
    NODE_ID: site.nodeId,
    ORGANISATION_ID: site.memberId,
    NODE_PRIVATE_KEY_FILE: site.keyFile,
    JWT_ISSUER: env.AUTH_ISSUER ?? 'phdmf-accounts',
    JWT_AUDIENCE: env.AUTH_AUDIENCE ?? 'phdmf-api',
    HTTP_PORT: String(site.port),
    // The web console (served by the edge) uploads straight to the site from the browser.
    CORS_ORIGINS: edge,
    // The embedded ledger commits in milliseconds. A commit whose answer is lost (the ledger restarted
    // after taking it) is waited for this long before the owed write is tried again: 30 s (the default,
    // sized for Fabric's ordering) would keep that release waiting half a minute after a ledger restart.
    LEDGER_COMMAND_TIMEOUT_MS: env.LEDGER_COMMAND_TIMEOUT_MS ?? '5000',
  };
}

function distFile(service, file) {
  return path.join('dist/apps', service, 'src', file);
}

async function startSite(site) {
  step(`migrating and starting ${site.nodeId} (${site.institution.name})`);
  await runAsync(`migrating ${site.nodeId}`, process.execPath, [distFile('data-storage', 'migrate.js')], { ...siteEnv(site), LOG_LEVEL: 'warn' });
  supervisor.start({ name: site.nodeId, cmd: process.execPath, argv: [distFile('data-storage', 'main.js')], env: siteEnv(site), stage: STAGE.site });
  step(`started ${site.nodeId} on ${site.url}`);
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  if (supervisor) {
    step('stopping (the edge and the sites, then the services, the ledger, NATS)');
    await supervisor.stopAll();
    step('stopped');
  }
  process.exit(code);
}

async function main() {
  checkNode();
  for (const [value, name] of [[natsPort, 'PHDMF_NATS_PORT'], [httpPort, 'HTTP_PORT']]) {
    if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a port number`);
  }
  // The services' own bounds (libs/config): a value they would refuse is refused here first.
  if (!Number.isInteger(startTimeoutMs) || startTimeoutMs < 1_000 || startTimeoutMs > 3_600_000) throw new Error('SERVICE_START_TIMEOUT_MS must be a whole number of milliseconds from 1000 to 3600000');
  const sites = demoSites();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(0));

  const natsBin = ensureNatsServer();
  if (!args.has('--no-install')) await ensureDependencies();
  if (!existsSync(path.join(root, distFile('ledger', 'main.js')))) throw new Error('dist/ is missing: run `npm run build` (or `npm start` without --no-install)');
  if (args.has('--reset')) {
    step(`resetting local data in ${dataDir}`);
    rmSync(dataDir, { recursive: true, force: true });
  }
  mkdirSync(dataDir, { recursive: true });

  for (const [port, what] of [[natsPort, 'PHDMF_NATS_PORT'], [httpPort, 'HTTP_PORT'], ...sites.map((s) => [s.port, `STORAGE_HTTP_PORT(S) (${s.nodeId})`])]) {
    if (await portOpen(port)) throw new Error(`port ${port} is in use; set ${what} to a free port`);
  }

  supervisor = new Supervisor({
    root,
    dataDir,
    say: (line) => step(line),
    warn,
    onGiveUp: (name) => fail(`${name} keeps failing at start; stopping everything`),
  });

  // From here on the dependencies are installed: the NATS client (with its NKey tools) comes from them.
  const require = createRequire(import.meta.url);
  const { connect, nkeyAuthenticator, nkeys } = require(path.join(root, 'node_modules/nats'));
  ensureNatsAuth(sites, nkeys);
  step(`starting nats-server with JetStream on 127.0.0.1:${natsPort} (store: ${path.join(dataDir, 'nats')}; a NATS user per service and site: ${natsAuthFile})`);
  supervisor.start({ name: 'nats', cmd: natsBin, argv: ['-c', natsAuthFile, '-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', path.join(dataDir, 'nats')], env, stage: STAGE.nats });
  await waitFor(() => portOpen(natsPort), 'nats-server');
  done('NATS up');

  // The event stream and every service's durable consumer are the platform's: created here, as the
  // operator, before any service starts (a service's NATS user may not create or change them), and
  // brought back to their declaration at every start (libs/messaging/src/events/event-stream.ts).
  const operatorSeed = new TextEncoder().encode(readFileSync(natsSeedFile('operator'), 'utf8').trim());
  const nc = await connect({ servers: `nats://127.0.0.1:${natsPort}`, maxReconnectAttempts: -1, authenticator: nkeyAuthenticator(operatorSeed) });
  const { provisionEventStream, ProvisioningRefused } = require(path.join(root, 'dist/libs/messaging/src/events/event-stream.js'));
  step('provisioning the event stream and each service\'s durable consumer (as the operator)');
  let provisioned;
  await waitFor(
    async () => {
      try {
        provisioned = await provisionEventStream(nc);
        return true;
      } catch (error) {
        if (error instanceof ProvisioningRefused) throw error;
        return false; // JetStream answers a moment after the client port opens
      }
    },
    'JetStream to take the event stream',
    30_000,
  );
  done(`event stream ${provisioned.stream}; durable consumers: ${Object.entries(provisioned.consumers).map(([d, outcome]) => `${d} ${outcome}`).join(', ')}; the edge's idempotency bucket ${provisioned.idempotencyBucket}`);

  // Sites seeded by an earlier start come up with the central services.
  for (const site of sites) {
    if (existsSync(site.stateFile)) site.memberId = JSON.parse(readFileSync(site.stateFile, 'utf8')).memberId;
  }
  const known = sites.filter((s) => s.memberId);

  step(`migrating ${CENTRAL.filter((s) => !WITHOUT_DATABASE.has(s)).join(', ')} (the explicit migration step; each site migrates before it starts)`);
  await withProgress(
    'migrating',
    Promise.all(
      CENTRAL.filter((s) => !WITHOUT_DATABASE.has(s)).map((service) =>
        runAsync(`migrating ${service}`, process.execPath, [distFile(service, 'migrate.js')], { ...envFor(service), LOG_LEVEL: 'warn' }),
      ),
    ),
  );
  done('migrations applied');

  for (const service of CENTRAL) {
    supervisor.start({ name: service, cmd: process.execPath, argv: [distFile(service, 'main.js')], env: envFor(service), stage: STAGE[service] });
  }
  step(`started ${CENTRAL.join(', ')}; waiting for each to answer its health query`);
  const sitesStarting = Promise.all(known.map((site) => startSite(site)));

  // From here on the built code is there: the contracts (subjects) come from it.
  const { GetHealth, StorageGetNodeInfo } = require(path.join(root, 'dist/libs/contracts/src/index.js'));
  const ask = async (subject) => {
    const reply = await nc.request(subject, new TextEncoder().encode('{}'), { timeout: 1_000 });
    return JSON.parse(new TextDecoder().decode(reply.data));
  };
  const healthy = (subject) => async () => {
    try {
      const body = await ask(subject);
      return body.ok && body.data.status === 'up';
    } catch {
      return false;
    }
  };
  const siteReady = (site) => async () => {
    try {
      const body = await ask(StorageGetNodeInfo.contractFor(site.nodeId).subject);
      return body.ok && (await portOpen(site.port));
    } catch {
      return false;
    }
  };

  await Promise.all(
    CENTRAL.map(async (service) => {
      await waitFor(healthy(GetHealth.SUBJECTS[service]), `${service} to answer its health query`, startTimeoutMs);
      done(`${service} up (pid ${supervisor.pid(service)})`);
    }),
  );
  await withProgress('migrating and starting the sites', sitesStarting);

  // The demo consortium, through the real flows.
  const seeder = new Seeder({ api, keysDir, say: (line) => step(line) });
  let adminToken;
  await waitFor(
    async () => {
      try {
        adminToken = await seeder.login(adminEmail, adminPassword());
        return true;
      } catch (error) {
        if (error instanceof CallError && error.status < 500 && error.code !== 'AUTH.INVALID_CREDENTIALS') throw error;
        return false; // the accounts service bootstraps the admin right after it starts
      }
    },
    `the consortium admin ${adminEmail} to be able to log in`,
    30_000,
  );
  await seeder.ensureResearcher(DEMO_RESEARCHER.email, DEMO_RESEARCHER.displayName);

  await withProgress(
    'seeding the demo institutions',
    Promise.all(
      sites.map(async (site) => {
        const { publicKeyPem } = ensureNodeKey(site.keyFile);
        const { memberId, memberToken } = await seeder.ensureInstitution(site.institution, { adminToken, endpoint: site.url, nodePublicKeyPem: publicKeyPem });
        if (site.memberId && site.memberId !== memberId) throw new Error(`${site.stateFile} names member ${site.memberId} but ${headEmail(site.institution)} belongs to ${memberId}; start again with --reset`);
        if (!site.memberId) {
          site.memberId = memberId;
          mkdirSync(site.dir, { recursive: true });
          writeFileSync(site.stateFile, JSON.stringify({ nodeId: site.nodeId, name: site.institution.name, memberId }, null, 2));
          await startSite(site);
        }
        await waitFor(siteReady(site), `${site.nodeId} to answer on its subject and its port`, startTimeoutMs);
        site.datasets = await seeder.ensureDatasets(site.institution, { siteUrl: site.url, siteDir: site.dir, memberToken });
        done(`${site.institution.name}: ${site.nodeId} up (pid ${supervisor.pid(site.nodeId)}), ${site.datasets.length} dataset(s) released on-chain`);
      }),
    ),
  );
  await nc.close();

  // The walkthrough's variables, for a shell: `source .data/demo.env`.
  const demoEnv = [
    '# Written by `npm start`: the URLs of this running system, for the README walkthrough (source it).',
    `export PHDMF=${edge}`,
    `export PHDMF_DATA_DIR=${dataDir}`,
    ...sites.map((s) => `export ${s.envName}=${s.url}`),
    '',
  ];
  writeFileSync(path.join(dataDir, 'demo.env'), demoEnv.join('\n'));

  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`PHDMF is up on this machine (embedded ledger), in ${elapsed().trim()}`);
  out();
  out(`  Web console      ${edge}/   (sign in with a demo account below)`);
  out(`  REST edge        ${api}   (OpenAPI: ${api}/docs, ${api}/openapi.json; probes: ${edge}/health, ${edge}/ready)`);
  out(`  NATS             nats://127.0.0.1:${natsPort}`);
  out(`  data and logs    ${dataDir}   (logs/<process>.log; pids.json; demo.env)`);
  out();
  out('  Storage sites (each institution\'s local API, for its own staff):');
  for (const s of sites) out(`    ${s.nodeId.padEnd(14)} ${s.url.padEnd(24)} ${s.institution.name} (${s.memberId}), ${s.datasets.map((d) => `"${d.name}"`).join(', ')}`);
  out();
  out(`  Metrics (Prometheus): ${CENTRAL.map((service) => `${service} :${metricsPortOf(service)}`).join(', ')} at http://127.0.0.1:<port>/metrics;`);
  out('    each site at <its URL>/metrics.');
  out(env.OTEL_EXPORTER_OTLP_ENDPOINT
    ? `  Traces: to ${env.OTEL_EXPORTER_OTLP_ENDPOINT}, sampler ${env.OTEL_TRACES_SAMPLER ?? '1 % of requests (OTEL_TRACES_SAMPLER=always_on: all)'}; a response's X-Request-Id is its trace id.`
    : '  Traces: off; set OTEL_EXPORTER_OTLP_ENDPOINT (README, "One analysis\' trace").');
  out();
  out(`  Demo accounts (passwords generated once, kept in ${keysDir}/):`);
  const account = (role, email, password, where = '') => out(`    ${role.padEnd(18)} ${email.padEnd(28)} ${password.padEnd(26)} ${where}`);
  account('consortium-admin', adminEmail, adminPassword());
  account('researcher', DEMO_RESEARCHER.email, ensurePassword(keysDir, DEMO_RESEARCHER.email).password);
  for (const s of sites) {
    account('institution-admin', headEmail(s.institution), ensurePassword(keysDir, headEmail(s.institution)).password, s.institution.name);
    account('member', memberEmail(s.institution), ensurePassword(keysDir, memberEmail(s.institution)).password, s.institution.name);
  }
  out();
  out('  The README\'s "Walkthrough" replays the whole story with curl against this system.');
  out();
  out('Press Ctrl-C to stop.');
  out('PHDMF_READY');
}

main().catch((error) => {
  if (stopping) return;
  fail(error instanceof Error ? error.message : String(error));
});
