// Ledger service throughput and latency through NATS, end to end:
//
//   npm run build && node dist/bench/ledger/run.js
//
// Starts its own nats-server (JetStream, free port, temp store) and the built ledger service in a
// child process (dist/apps/ledger/src/main.js, embedded ledger, SQLite in a temp directory), then
// sends `ledger add-dataset` commands through NATS with 1, 16 and 256 in flight. A command is
// answered only after its transaction is committed, so answered commands per second is committed
// transactions per second. Prints tx/s and p50/p95 latency per level, with where the CPU went
// (the service's event loop, its other threads, nats-server, this driver); the last line is
// `ledger_tps_256=<value>`.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LedgerAddDataset, LedgerAdmitMember, LedgerGetChainInfo } from '@phdmf/contracts';
import { EVENT_STREAM } from '@phdmf/messaging';
import { TestNatsServer, tempDir } from '@phdmf/testing';
import { ADMIN_ACTOR, PEM, addDataset, request, waitUntilAnswering } from '../support/ledger-requests';
import { connect, type NatsConnection } from 'nats';

const LEVELS = [
  { inFlight: 1, seconds: 2 },
  { inFlight: 16, seconds: 3 },
  { inFlight: 256, seconds: 4 },
] as const;
const WARM_UP_SECONDS = 1;
/**
 * The service's recommended runtime setting (apps/ledger/README.md, "Runtime"): a young generation
 * large enough for hundreds of transactions in flight. With V8's default (16 MB semi-spaces) the
 * service spends about a fifth of its time in scavenges at 256 in flight.
 */
const SERVICE_NODE_OPTIONS = '--max-semi-space-size=64';
const OVERALL_DEADLINE_MS = 180_000;
const HOSPITAL = { memberId: 'bench-hospital', mspId: 'BenchHospitalMSP' };
const STAFF_ACTOR = { userId: 'bench-staff', organisationId: HOSPITAL.memberId, roles: ['institution-admin'] };

interface LevelResult {
  inFlight: number;
  committed: number;
  failed: number;
  seconds: number;
  tps: number;
  p50: number;
  p95: number;
  firstError?: string;
}

async function drive(nc: NatsConnection, inFlight: number, seconds: number): Promise<LevelResult> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const reply = await request(nc, LedgerAddDataset.CONTRACT, addDataset(), STAFF_ACTOR);
        if (reply.ok) latencies.push(performance.now() - t0);
        else {
          failed += 1;
          firstError ??= `${reply.error?.code ?? '?'}: ${reply.error?.message ?? ''}`;
        }
      } catch (error) {
        failed += 1;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, () => worker()));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((x, y) => x - y);
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? Number.NaN;
  return { inFlight, committed: latencies.length, failed, seconds: elapsed, tps: latencies.length / elapsed, p50: pct(0.5), p95: pct(0.95), ...(firstError !== undefined ? { firstError } : {}) };
}

/** CPU seconds (user + system) used by a process, or by one of its threads, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined, thread?: number): number {
  try {
    const file = thread === undefined ? `/proc/${String(pid)}/stat` : `/proc/${String(pid)}/task/${String(thread)}/stat`;
    const fields = readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return Number.NaN;
  }
}

/** The pid of the nats-server listening on `port` (found in /proc, Linux); undefined elsewhere. */
function natsServerPid(port: number): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('nats-server') === true && argv.includes(String(port))) return Number(entry);
    }
  } catch {
    // not Linux, or the process went away
  }
  return undefined;
}

/**
 * Where the CPU goes, in seconds: the service's event loop (its main thread), the service's other
 * threads (block committer, GC helpers, libuv), nats-server, and this driver. The machine has two
 * cores for all four, so the sum per transaction bounds committed tx/s.
 */
function cpuBreakdown(servicePid: number | undefined, natsPid: number | undefined): { main: number; other: number; nats: number; driver: number } {
  const total = cpuSeconds(servicePid);
  const main = cpuSeconds(servicePid, servicePid);
  const own = process.cpuUsage();
  return { main, other: total - main, nats: cpuSeconds(natsPid), driver: (own.user + own.system) / 1e6 };
}

function runNode(script: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function main(): Promise<void> {
  const guard = setTimeout(() => {
    process.stderr.write(`ledger bench: no result within ${OVERALL_DEADLINE_MS / 1000} s, giving up\n`);
    process.exit(1);
  }, OVERALL_DEADLINE_MS);
  guard.unref();

  const nats = await TestNatsServer.start();
  const data = tempDir('phdmf-ledger-bench-');
  const distRoot = path.join(__dirname, '../..');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NATS_URL: nats.url,
    PHDMF_DATA_DIR: data.dir,
    LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
    LEDGER_VERIFY_ON_START: 'false',
    NODE_OPTIONS: [process.env['NODE_OPTIONS'], SERVICE_NODE_OPTIONS].filter((o) => o !== undefined && o !== '').join(' '),
  };
  let service: ChildProcess | undefined;
  let output = '';
  let nc: NatsConnection | undefined;
  try {
    const migration = runNode(path.join(distRoot, 'apps/ledger/src/migrate.js'), env);
    const migrated = await new Promise<number | null>((resolve) => migration.on('exit', resolve));
    if (migrated !== 0) throw new Error(`migrating the ledger service's database failed (${String(migrated)})`);

    // Extra node options for the service only, e.g. BENCH_LEDGER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
    const nodeArgs = (process.env['BENCH_LEDGER_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
    service = runNode(path.join(distRoot, 'apps/ledger/src/main.js'), env, nodeArgs);
    service.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    service.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    // The driver stands for clients on other machines, yet shares the two cores with the service:
    // it should take as little of them as it can. Without noAsyncTraces the nats client creates an
    // Error (with its stack) for every request, to report a timeout with the caller's stack.
    nc = await connect({ servers: nats.url, noAsyncTraces: true });
    await waitUntilAnswering(nc, service, () => output, { deadlineMs: 60_000, pollMs: 100, requestTimeoutMs: 500 });

    const admitted = await request(
      nc,
      LedgerAdmitMember.CONTRACT,
      { ...HOSPITAL, name: 'Bench hospital', nodeId: 'bench-node', nodePublicKey: PEM, endpoint: 'https://bench.example.org' },
      ADMIN_ACTOR,
    );
    if (!admitted.ok) throw new Error(`admitting the bench member failed: ${JSON.stringify(admitted.error)}`);

    const streamBefore = (await (await nc.jetstreamManager()).streams.info(EVENT_STREAM.name)).state.messages;
    process.stdout.write(
      `ledger bench: ledger service (embedded ledger) in a child process [NODE_OPTIONS=${env['NODE_OPTIONS'] ?? ''}${nodeArgs.length > 0 ? `, node ${nodeArgs.join(' ')}` : ''}], nats-server ${nats.url}, node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]?.toFixed(2) ?? '?'}\n`,
    );
    process.stdout.write('command: phdmf.ledger.cmd.add-dataset.v1 (answered after commit)\n');
    await drive(nc, 16, WARM_UP_SECONDS);

    const height = async (): Promise<number> => (await request(nc!, LedgerGetChainInfo.CONTRACT, {}, ADMIN_ACTOR)).data?.height ?? Number.NaN;
    const natsPid = natsServerPid(nats.port);
    const results: LevelResult[] = [];
    for (const level of LEVELS) {
      const heightBefore = await height();
      const before = cpuBreakdown(service.pid, natsPid);
      const r = await drive(nc, level.inFlight, level.seconds);
      const after = cpuBreakdown(service.pid, natsPid);
      const perTx = (key: keyof typeof before): string => (((after[key] - before[key]) / r.committed) * 1e6).toFixed(0);
      const blocks = (await height()) - heightBefore;
      results.push(r);
      process.stdout.write(
        `in flight ${String(r.inFlight).padStart(3)}: ${r.tps.toFixed(0).padStart(6)} committed tx/s   p50 ${r.p50.toFixed(2)} ms   p95 ${r.p95.toFixed(2)} ms   (${r.committed} committed in ${blocks} blocks, ${r.failed} failed, ${r.seconds.toFixed(1)} s)\n` +
          `      CPU µs/tx: service ${perTx('main')} event loop + ${perTx('other')} other threads, nats-server ${perTx('nats')}, this driver ${perTx('driver')}\n`,
      );
      if (r.firstError !== undefined) process.stdout.write(`  first failure: ${r.firstError}\n`);
    }

    // The relay republishes every committed transaction's event; report how far behind it is.
    const committed = results.reduce((sum, r) => sum + r.committed, 0);
    const waitStarted = performance.now();
    let published = 0;
    while (performance.now() - waitStarted < 10_000) {
      published = (await (await nc.jetstreamManager()).streams.info(EVENT_STREAM.name)).state.messages - streamBefore;
      if (published >= committed) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    process.stdout.write(`events on the bus: ${published} for ${committed}+ committed transactions, caught up ${(performance.now() - waitStarted).toFixed(0)} ms after the last answer\n`);

    const top = results[results.length - 1];
    process.stdout.write(`ledger_tps_256=${top === undefined ? 0 : Math.round(top.tps)}\n`);
  } finally {
    await nc?.close();
    if (service !== undefined && service.exitCode === null) {
      const exited = new Promise((resolve) => service?.once('exit', resolve));
      service.kill('SIGTERM');
      await exited;
    }
    await nats.dispose();
    data.remove();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`ledger bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
