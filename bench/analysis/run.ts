// bench/analysis: one trusted analysis over three storage sites, against the sites' own time.
//
//   1. generates three synthetic cohorts of BENCH_ANALYSIS_ROWS rows each (default 1,000,000);
//   2. starts nats-server, the ledger service, three storage nodes (three admitted members, each
//      with its own node key, database and files) and the aggregation service, each its own process
//      from dist/;
//   3. releases each cohort at its site (local API → on-chain), requests and grants access;
//   4. runs a warm-up analysis, then the measured one: the aggregation service clears every grant
//      (with the ledger), asks the three nodes in parallel, verifies their signatures, pools,
//      records the analysis on-chain and answers.
// Each node signs its own wall time for its summary (`computeMillis`: grant check, re-hash against
// the on-chain hash, DuckDB, disclosure control), so the service's overhead is what the analysis
// takes beyond the slowest site. Last line: analysis_overhead=<wall / slowest site> (goal ≤ 1.2).
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from 'nats';
import { generateSigningKey, issueAccessToken } from '@phdmf/auth';
import { AggregationRunAnalysis, LedgerAdmitMember, LedgerGrantAccess, LedgerRequestAccess, type LedgerStatistic } from '@phdmf/contracts';
import { createLogger } from '@phdmf/logging';
import { MessageBus, provisionEventStream } from '@phdmf/messaging';
import { freePort, TestNatsServer } from '@phdmf/testing';
import { ADMIN_ACTOR, waitUntilAnswering } from '../support/ledger-requests';
import { runNode, runNodeToEnd } from '../support/node-process';
import { uploadCsv } from '../support/site-upload';

const MB = 1024 * 1024;
const ROWS = Number(process.env.BENCH_ANALYSIS_ROWS ?? 1_000_000);
const THREADS = Number(process.env.BENCH_DUCKDB_THREADS ?? 2);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
// dist/bench/analysis/run.js → dist/
const DIST = path.resolve(__dirname, '../..');
const ROOT = process.cwd();
const SITES = ['a', 'b', 'c'] as const;
const out = (line: string) => process.stdout.write(`${line}\n`);

/** Writes a synthetic cohort CSV of `rows` rows (a deterministic generator per site). */
async function generate(file: string, rows: number, seed: number): Promise<void> {
  const ws = createWriteStream(file, { highWaterMark: 4 * MB });
  ws.write('id,age,sex,bmi,sbp,site\n');
  let s = seed * 2654435761;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let done = 0; done < rows; ) {
    const lines: string[] = [];
    for (let i = 0; i < 20_000 && done < rows; i++, done++) {
      const age = rnd() < 0.02 ? '' : String(18 + Math.floor(rnd() * (60 + seed)));
      lines.push(`${done + 1},${age},${rnd() < 0.5 ? 'F' : 'M'},${(16 + seed + rnd() * 20).toFixed(2)},${Math.floor(90 + seed * 3 + rnd() * 80)},S${Math.floor(rnd() * 40)}`);
    }
    if (!ws.write(`${lines.join('\n')}\n`)) await new Promise<void>((resolve) => ws.once('drain', () => { resolve(); }));
  }
  await new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.end(() => {
      resolve();
    });
  });
}

/** A built entry point under dist/, as a child process (bench/support/node-process.ts keeps the tail of its output). */
function start(entry: string, env: Record<string, string>): { child: ChildProcess; log: () => string } {
  const node = runNode(path.join(DIST, entry), { ...process.env, ...env }, [], ROOT);
  return { child: node.process, log: node.output };
}

/** Runs a built entry point (a migration) to its end; its output is kept for the error if it fails. */
function runToEnd(entry: string, env: Record<string, string>): Promise<void> {
  return runNodeToEnd(path.join(DIST, entry), { ...process.env, ...env }, 'capture', entry, ROOT);
}

async function waitFor(what: string, probe: () => Promise<boolean>, log: () => string): Promise<void> {
  for (let i = 0; ; i++) {
    if (await probe().catch(() => false)) return;
    if (i > 600) throw new Error(`${what} did not start\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phdmf-bench-analysis-'));
  const nats = await TestNatsServer.start({ provision: provisionEventStream });
  const procs: ChildProcess[] = [];
  try {
    const files = SITES.map((s) => path.join(dir, `cohort-${s}.csv`));
    for (const [i, file] of files.entries()) await generate(file, ROWS, i + 1);
    out(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${os.cpus().length} cores`);
    out(`cohorts: ${SITES.length} × ${ROWS} rows (${files.map((f) => (statSync(f).size / MB).toFixed(1)).join(', ')} MiB)`);

    const ledgerEnv = { NATS_URL: nats.url, PHDMF_DATA_DIR: path.join(dir, 'ledger'), LOG_LEVEL: 'warn', LEDGER_VERIFY_ON_START: 'false' };
    await runToEnd('apps/ledger/src/migrate.js', ledgerEnv);
    const ledger = start('apps/ledger/src/main.js', ledgerEnv);
    procs.push(ledger.child);
    const nc = await connect({ servers: nats.url });
    const bus = new MessageBus(nc, { service: 'api-gateway', servers: [nats.url], requestTimeoutMs: 300_000, logger: createLogger({ service: 'bench', level: 'silent' }) });
    await waitUntilAnswering(nc, ledger.child, ledger.log, { deadlineMs: 60_000, pollMs: 200, requestTimeoutMs: 1_000 });

    const tokenKey = await generateSigningKey();
    const jwksFile = path.join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [tokenKey.publicJwk] }));
    const sites: { org: string; nodeId: string; base: string; token: string; log: () => string }[] = [];
    for (const s of SITES) {
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
        DUCKDB_THREADS: String(THREADS),
        NATS_REQUEST_TIMEOUT_MS: '120000',
      };
      await runToEnd('apps/data-storage/src/migrate.js', env);
      const node = start('apps/data-storage/src/main.js', env);
      procs.push(node.child);
      const token = await issueAccessToken(tokenKey, { issuer: 'bench', audience: 'phdmf', userId: `bench-staff-${s}`, organisationId: org, roles: ['institution-admin'], ttlSeconds: 3600 });
      sites.push({ org, nodeId, base: `http://127.0.0.1:${port}`, token, log: node.log });
    }
    const aggregationEnv = { NATS_URL: nats.url, PHDMF_DATA_DIR: path.join(dir, 'aggregation'), LOG_LEVEL: 'warn', SITE_TIMEOUT_MS: '300000' };
    await runToEnd('apps/aggregation/src/migrate.js', aggregationEnv);
    const aggregation = start('apps/aggregation/src/main.js', aggregationEnv);
    procs.push(aggregation.child);

    // Release each cohort at its own site, and grant the researcher access to it.
    const researcher = { userId: 'bench-researcher', roles: ['researcher'] };
    const columns = ['age', 'bmi', 'sbp'];
    const statistics: LedgerStatistic[] = ['count', 'missing', 'sum', 'mean', 'variance', 'sd', 'min', 'max'];
    const datasets: string[] = [];
    for (const [i, site] of sites.entries()) {
      await waitFor(`storage node ${site.nodeId}`, () => fetch(`${site.base}/datasets`, { headers: { authorization: `Bearer ${site.token}` } }).then((r) => r.ok), site.log);
      const t0 = performance.now();
      const res = await uploadCsv(`${site.base}/datasets?name=cohort-${SITES[i] ?? i}&fileName=cohort.csv`, site.token, files[i] ?? '');
      if (res.status !== 201) throw new Error(`upload at ${site.nodeId} failed: ${res.status} ${res.body.slice(0, 300)}`);
      const datasetId = (JSON.parse(res.body) as { datasetId: string }).datasetId;
      datasets.push(datasetId);
      out(`released ${datasetId} at ${site.nodeId} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const requestId = `rq-${randomUUID()}`;
      await bus.request(
        LedgerRequestAccess.CONTRACT,
        { requestId, datasetId, requester: researcher.userId, purpose: 'bench', columns, statistics, requestedExpiry: new Date(Date.now() + 3_600_000).toISOString() },
        { actor: { userId: 'authorization', roles: ['service'] } },
      );
      await bus.request(LedgerGrantAccess.CONTRACT, { requestId, operator: `bench-staff-${SITES[i] ?? i}` }, { actor: { userId: `bench-staff-${SITES[i] ?? i}`, organisationId: site.org, roles: ['institution-admin'] } });
    }

    const analyse = async () => {
      const t0 = performance.now();
      const result = await bus.request(AggregationRunAnalysis.CONTRACT, { datasets, columns, statistics }, { actor: researcher, timeoutMs: 600_000 });
      return { result, wallMs: performance.now() - t0 };
    };
    await waitFor('aggregation service', async () => (await analyse()).result.status === 'complete', aggregation.log);

    const ratios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const { result, wallMs } = await analyse();
      const siteMs = result.datasets.map((d) => d.computeMillis ?? NaN);
      const slowest = Math.max(...siteMs);
      const age = result.columns.find((c) => c.name === 'age');
      if (result.status !== 'complete' || age?.count === undefined || age.count < ROWS * SITES.length * 0.9) throw new Error(`unexpected result: ${JSON.stringify(result).slice(0, 500)}`);
      out(
        `analysis ${result.analysisId} (block ${result.blockNumber}): wall ${wallMs.toFixed(0)} ms; sites ${result.datasets.map((d, i) => `${d.nodeId} ${siteMs[i]?.toFixed(0) ?? '?'} ms`).join(', ')}; ` +
          `overhead ${(wallMs - slowest).toFixed(0)} ms; pooled age: n=${age.count}, mean=${age.mean?.toFixed(4) ?? '?'}, sd=${age.sd?.toFixed(4) ?? '?'}`,
      );
      ratios.push(wallMs / slowest);
    }
    await nc.drain();
    out(`analysis_overhead=${median(ratios).toFixed(3)}`);
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await nats.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
