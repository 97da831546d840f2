// The stack the analysis benches measure: nats-server, the ledger service, storage sites (each an
// admitted member with its own Ed25519 node key, database and files) and the aggregation service,
// each its own process from dist/; releasing a cohort at a site and granting a researcher access.
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { generateSigningKey, issueAccessToken } from '@phdmf/auth';
import { LedgerAdmitMember, LedgerGrantAccess, LedgerRequestAccess, type LedgerStatistic } from '@phdmf/contracts';
import { createLogger } from '@phdmf/logging';
import { MessageBus, provisionEventStream } from '@phdmf/messaging';
import { freePort, TestNatsServer } from '@phdmf/testing';
import { ADMIN_ACTOR, waitUntilAnswering } from './ledger-requests';
import { cpuSeconds, runNode, runNodeToEnd } from './node-process';
import { uploadCsv } from './site-upload';

// dist/bench/support/site-stack.js → dist/
const DIST = path.resolve(__dirname, '../..');
const ROOT = process.cwd();

/** One storage site of the stack: its member, node, local API and a token of its staff. */
export interface BenchSite {
  org: string;
  nodeId: string;
  base: string;
  token: string;
  log: () => string;
}

/** The running stack. */
export interface SiteStack {
  bus: MessageBus;
  sites: BenchSite[];
  aggregationLog: () => string;
  /** The CPU time (user + system, ms) each process of the stack has used so far, by name (ledger, site-<name>, aggregation; /proc, NaN elsewhere). */
  cpuMillis: () => Record<string, number>;
  /** Stops every process and nats-server. */
  stop: () => Promise<void>;
}

function start(entry: string, env: Record<string, string>): { child: ChildProcess; log: () => string } {
  const node = runNode(path.join(DIST, entry), { ...process.env, ...env }, [], ROOT);
  return { child: node.process, log: node.output };
}

function runToEnd(entry: string, env: Record<string, string>): Promise<void> {
  return runNodeToEnd(path.join(DIST, entry), { ...process.env, ...env }, 'capture', entry, ROOT);
}

/** A process's CPU time (utime + stime) in ms (Linux; NaN elsewhere). */
function cpuMillisOf(pid: number | undefined): number {
  return cpuSeconds(pid) * 1000;
}

/** Polls `probe` every 100 ms for up to a minute. */
export async function waitFor(what: string, probe: () => Promise<boolean>, log: () => string): Promise<void> {
  for (let i = 0; ; i++) {
    if (await probe().catch(() => false)) return;
    if (i > 600) throw new Error(`${what} did not start\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the stack in `dir` with one site per name (`bench-hospital-<name>`, `bench-node-<name>`). */
export async function startSiteStack(dir: string, names: readonly string[], options: { duckdbThreads: number; aggregationEnv?: Record<string, string>; siteEnv?: Record<string, string> }): Promise<SiteStack> {
  const nats = await TestNatsServer.start({ provision: provisionEventStream });
  const procs: ChildProcess[] = [];
  let nc: NatsConnection | undefined;
  const stop = async (): Promise<void> => {
    await nc?.drain().catch(() => undefined);
    for (const p of procs) p.kill('SIGTERM');
    await nats.dispose();
  };
  try {
    const ledgerEnv = { NATS_URL: nats.url, PHDMF_DATA_DIR: path.join(dir, 'ledger'), LOG_LEVEL: 'warn', LEDGER_VERIFY_ON_START: 'false' };
    await runToEnd('apps/ledger/src/migrate.js', ledgerEnv);
    const ledger = start('apps/ledger/src/main.js', ledgerEnv);
    procs.push(ledger.child);
    nc = await connect({ servers: nats.url });
    const bus = new MessageBus(nc, { service: 'api-gateway', servers: [nats.url], requestTimeoutMs: 300_000, logger: createLogger({ service: 'bench', level: 'silent' }) });
    await waitUntilAnswering(nc, ledger.child, ledger.log, { deadlineMs: 60_000, pollMs: 200, requestTimeoutMs: 1_000 });

    const tokenKey = await generateSigningKey();
    const jwksFile = path.join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [tokenKey.publicJwk] }));
    const sites: BenchSite[] = [];
    for (const s of names) {
      const org = `bench-hospital-${s}`;
      const nodeId = `bench-node-${s}`;
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const keyFile = path.join(dir, `${nodeId}.pem`);
      writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      await bus.request(
        LedgerAdmitMember.CONTRACT,
        { memberId: org, name: `Bench hospital ${s}`, mspId: `BenchHospital${s.toUpperCase()}MSP`, nodeId, nodePublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), endpoint: `https://${nodeId}.example.org` },
        { actor: ADMIN_ACTOR },
      );
      const port = await freePort();
      const env = {
        NATS_URL: nats.url,
        PHDMF_DATA_DIR: path.join(dir, `site-${s}`),
        LOG_LEVEL: 'warn',
        NODE_ID: nodeId,
        ORGANISATION_ID: org,
        NODE_PRIVATE_KEY_FILE: keyFile,
        JWT_ISSUER: 'bench',
        JWT_AUDIENCE: 'phdmf',
        ACCOUNTS_JWKS_FILE: jwksFile,
        HTTP_PORT: String(port),
        AUDIT_INTERVAL_MINUTES: '0',
        DUCKDB_THREADS: String(options.duckdbThreads),
        NATS_REQUEST_TIMEOUT_MS: '120000',
        ...(options.siteEnv ?? {}),
      };
      await runToEnd('apps/data-storage/src/migrate.js', env);
      const node = start('apps/data-storage/src/main.js', env);
      procs.push(node.child);
      const token = await issueAccessToken(tokenKey, { issuer: 'bench', audience: 'phdmf', userId: `bench-staff-${s}`, organisationId: org, roles: ['institution-admin'], ttlSeconds: 3600 });
      sites.push({ org, nodeId, base: `http://127.0.0.1:${port}`, token, log: node.log });
    }
    const aggregationEnv = { NATS_URL: nats.url, PHDMF_DATA_DIR: path.join(dir, 'aggregation'), LOG_LEVEL: 'warn', SITE_TIMEOUT_MS: '300000', ...(options.aggregationEnv ?? {}) };
    await runToEnd('apps/aggregation/src/migrate.js', aggregationEnv);
    const aggregation = start('apps/aggregation/src/main.js', aggregationEnv);
    procs.push(aggregation.child);
    return { bus, sites, aggregationLog: aggregation.log, cpuMillis: () => Object.fromEntries(procs.map((p, i) => [['ledger', ...names.map((n) => `site-${n}`), 'aggregation'][i] ?? `process-${i}`, cpuMillisOf(p.pid)])), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Releases `file` at `site` through its local API (committed on-chain); its dataset id. */
export async function releaseAt(site: BenchSite, file: string, name: string): Promise<string> {
  await waitFor(`storage node ${site.nodeId}`, () => fetch(`${site.base}/datasets`, { headers: { authorization: `Bearer ${site.token}` } }).then((r) => r.ok), site.log);
  const res = await uploadCsv(`${site.base}/datasets?name=${encodeURIComponent(name)}&fileName=${encodeURIComponent(path.basename(file))}`, site.token, file);
  if (res.status !== 201) throw new Error(`upload at ${site.nodeId} failed: ${res.status} ${res.body.slice(0, 300)}`);
  return (JSON.parse(res.body) as { datasetId: string }).datasetId;
}

/** Files an access request for `requester` and has the site's staff grant it (with the owner's privacy choice). */
export async function grantAt(
  bus: MessageBus,
  site: BenchSite,
  o: { datasetId: string; requester: string; columns: string[]; statistics: LedgerStatistic[]; privacy?: { privacyMode: 'dp'; budgetRho: number } },
): Promise<string> {
  const requestId = `rq-${randomUUID()}`;
  await bus.request(
    LedgerRequestAccess.CONTRACT,
    { requestId, datasetId: o.datasetId, requester: o.requester, purpose: 'bench', columns: o.columns, statistics: o.statistics, requestedExpiry: new Date(Date.now() + 3_600_000).toISOString() },
    { actor: { userId: 'authorization', roles: ['service'] } },
  );
  const staff = `bench-staff-${site.nodeId}`;
  await bus.request(LedgerGrantAccess.CONTRACT, { requestId, operator: staff, ...(o.privacy ?? {}) }, { actor: { userId: staff, organisationId: site.org, roles: ['institution-admin'] } });
  return requestId;
}
