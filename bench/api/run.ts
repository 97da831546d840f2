// bench/api: the REST edge under load, in one run — an authenticated GET that crosses NATS to the
// accounts service and back (GET /api/v1/auth/me: JWT verification, validation, a NATS request, a
// database read), and a constant unauthenticated endpoint of the same edge process (GET /health).
// Both with autocannon for BENCH_SECONDS (10 s) each. Last line: api_vs_bare_http=<ratio>.
//
// It starts what it needs: its own nats-server on a free port, and the accounts service and the
// REST edge as child processes from dist/ (migrations first, as in production).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { freePort, TestNatsServer, tempDir } from '@phdmf/testing';
import { provisionEventStream } from '@phdmf/messaging';
import { benchTracing } from '../support/otlp-sink';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DIST = path.resolve(__dirname, '../..');
const PASSWORD = 'bench password that is long';

function start(name: string, entry: string, env: Record<string, string>): { child: ChildProcess; ready: Promise<void> } {
  // BENCH_NODE_ARGS passes flags to the services (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0);
  const child = spawn(process.execPath, [...nodeArgs, path.join(DIST, entry)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes(`${name} started`)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      reject(new Error(`${name} exited (${code}):\n${output}`));
    });
  });
  return { child, ready };
}

interface Tally {
  requests: number;
  seconds: number;
  p50: number[];
  p99: number[];
}

async function slice(label: string, url: string, headers: Record<string, string>, seconds: number, tally: Tally): Promise<void> {
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: seconds });
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) throw new Error(`${label}: ${failed} requests failed (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`);
  tally.requests += result.requests.total;
  tally.seconds += result.duration || seconds;
  tally.p50.push(result.latency.p50);
  tally.p99.push(result.latency.p99);
}

function report(label: string, t: Tally): number {
  const rate = t.requests / t.seconds;
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
  process.stdout.write(`${label.padEnd(44)} ${Math.round(rate)} req/s  latency p50=${median(t.p50)} ms p99=${median(t.p99)} ms  (${CONNECTIONS} connections, ${Math.round(t.seconds)} s)\n`);
  return rate;
}

async function main(): Promise<void> {
  // Traced as the services run with an OTLP endpoint: every request the root of a trace the default sampler decides on.
  const tracing = await benchTracing();
  process.stdout.write(`${tracing.describe}\n`);
  const nats = await TestNatsServer.start({ provision: provisionEventStream });
  const data = tempDir('phdmf-bench-api-');
  const httpPort = await freePort();
  const common = { NATS_URL: nats.url, PHDMF_DATA_DIR: data.dir, LOG_LEVEL: 'warn', ...(tracing.endpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: tracing.endpoint } : {}) };
  const children: ChildProcess[] = [];
  try {
    const migrated = spawnSync(process.execPath, [path.join(DIST, 'apps/accounts/src/migrate.js')], { env: { ...process.env, ...common }, encoding: 'utf8' });
    if (migrated.status !== 0) throw new Error(`accounts migration failed:\n${migrated.stdout}${migrated.stderr}`);
    const accounts = start('accounts', 'apps/accounts/src/main.js', { ...common, LOG_LEVEL: 'info' });
    const gateway = start('api-gateway', 'apps/api-gateway/src/main.js', {
      ...common,
      LOG_LEVEL: 'info',
      HTTP_PORT: String(httpPort),
      // The bench is one client address; the limits are not what is measured.
      RATE_LIMIT_PER_MINUTE: '10000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '10000000',
    });
    children.push(accounts.child, gateway.child);
    await Promise.all([accounts.ready, gateway.ready]);

    const base = `http://127.0.0.1:${httpPort}`;
    const post = (p: string, body: unknown) => fetch(`${base}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const registered = await post('/api/v1/auth/register', { email: 'bench@uni.test', password: PASSWORD, displayName: 'Bench' });
    if (registered.status !== 201) throw new Error(`register: ${registered.status} ${await registered.text()}`);
    const login = await post('/api/v1/auth/login', { email: 'bench@uni.test', password: PASSWORD });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = await fetch(`${base}/api/v1/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    if (me.status !== 200) throw new Error(`GET /auth/me: ${me.status} ${await me.text()}`);

    const apiTarget = { url: `${base}/api/v1/auth/me`, headers: { authorization: `Bearer ${accessToken}` } };
    const bareTarget = { url: `${base}/health`, headers: {} };
    // Warm up (JIT, connection pools, the JWKS cache), then alternate the two in ROUNDS slices so
    // that a change in the machine's load during the run weighs on both alike (10 s each in total).
    const warm: Tally = { requests: 0, seconds: 0, p50: [], p99: [] };
    await slice('warm-up', apiTarget.url, apiTarget.headers, 2, warm);
    await slice('warm-up', bareTarget.url, bareTarget.headers, 2, warm);
    const apiTally: Tally = { requests: 0, seconds: 0, p50: [], p99: [] };
    const bareTally: Tally = { requests: 0, seconds: 0, p50: [], p99: [] };
    for (let round = 0; round < ROUNDS; round++) {
      await slice('api', apiTarget.url, apiTarget.headers, SECONDS / ROUNDS, apiTally);
      await slice('bare', bareTarget.url, bareTarget.headers, SECONDS / ROUNDS, bareTally);
    }
    const api = report('GET /api/v1/auth/me (JWT + NATS + accounts)', apiTally);
    const bare = report('GET /health (same edge, no auth, no NATS)', bareTally);
    // The services export in batches every 5 s: by now the sink has seen those of the sampled traces.
    if (tracing.sink) process.stdout.write(`OTLP exports received: ${tracing.sink.exports()}\n`);
    process.stdout.write(`api_vs_bare_http=${(api / bare).toFixed(3)}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null) resolve();
            else c.once('exit', () => { resolve(); });
          }),
      ),
    );
    await nats.dispose();
    data.remove();
    await tracing.sink?.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
