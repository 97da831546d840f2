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
import * as os from 'node:os';
import { LedgerGetChainInfo } from '@phdmf/contracts';
import { EVENT_STREAM, provisionEventStream } from '@phdmf/messaging';
import { TestNatsServer, tempDir } from '@phdmf/testing';
import { driveClosedLoop, type LoadRun } from '../support/closed-loop';
import { ADMIN_ACTOR, addOneDataset, admitBenchMember, request, waitUntilAnswering } from '../support/ledger-requests';
import { ledgerServiceEnv, migrateLedgerService, runLedgerService } from '../support/ledger-service';
import { cpuSeconds, natsServerPid, stopChild, type NodeChild } from '../support/node-process';
import { connect, type NatsConnection } from 'nats';

const LEVELS = [
  { inFlight: 1, seconds: 2 },
  { inFlight: 16, seconds: 3 },
  { inFlight: 256, seconds: 4 },
] as const;
const WARM_UP_SECONDS = 1;
const OVERALL_DEADLINE_MS = 180_000;
const HOSPITAL = { memberId: 'bench-hospital', mspId: 'BenchHospitalMSP' };
const STAFF_ACTOR = { userId: 'bench-staff', organisationId: HOSPITAL.memberId, roles: ['institution-admin'] };

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

async function main(): Promise<void> {
  const guard = setTimeout(() => {
    process.stderr.write(`ledger bench: no result within ${OVERALL_DEADLINE_MS / 1000} s, giving up\n`);
    process.exit(1);
  }, OVERALL_DEADLINE_MS);
  guard.unref();

  const nats = await TestNatsServer.start({ provision: provisionEventStream });
  const data = tempDir('phdmf-ledger-bench-');
  const env = ledgerServiceEnv(nats.url, data.dir);
  let service: NodeChild | undefined;
  let nc: NatsConnection | undefined;
  try {
    await migrateLedgerService(env, 'capture');

    // Extra node options for the service only, e.g. BENCH_LEDGER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
    const nodeArgs = (process.env['BENCH_LEDGER_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
    service = runLedgerService(env, nodeArgs);
    // The driver stands for clients on other machines, yet shares the two cores with the service:
    // it should take as little of them as it can. Without noAsyncTraces the nats client creates an
    // Error (with its stack) for every request, to report a timeout with the caller's stack.
    nc = await connect({ servers: nats.url, noAsyncTraces: true });
    await waitUntilAnswering(nc, service.process, service.output, { deadlineMs: 60_000, pollMs: 100, requestTimeoutMs: 500 });

    await admitBenchMember(nc, { ...HOSPITAL, name: 'Bench hospital' });

    const streamBefore = (await (await nc.jetstreamManager()).streams.info(EVENT_STREAM.name)).state.messages;
    process.stdout.write(
      `ledger bench: ledger service (embedded ledger) in a child process [NODE_OPTIONS=${env['NODE_OPTIONS'] ?? ''}${nodeArgs.length > 0 ? `, node ${nodeArgs.join(' ')}` : ''}], nats-server ${nats.url}, node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]?.toFixed(2) ?? '?'}\n`,
    );
    process.stdout.write('command: phdmf.ledger.cmd.add-dataset.v1 (answered after commit)\n');
    const natsConnection = nc;
    const addOne = (): Promise<void> => addOneDataset(natsConnection, STAFF_ACTOR);
    await driveClosedLoop(addOne, 16, WARM_UP_SECONDS);

    const height = async (): Promise<number> => (await request(natsConnection, LedgerGetChainInfo.CONTRACT, {}, ADMIN_ACTOR)).data?.height ?? Number.NaN;
    const natsPid = natsServerPid(nats.port);
    const servicePid = service.process.pid;
    const results: LoadRun[] = [];
    for (const level of LEVELS) {
      const heightBefore = await height();
      const before = cpuBreakdown(servicePid, natsPid);
      const r = await driveClosedLoop(addOne, level.inFlight, level.seconds);
      const after = cpuBreakdown(servicePid, natsPid);
      const perTx = (key: keyof typeof before): string => (((after[key] - before[key]) / r.committed) * 1e6).toFixed(0);
      const blocks = (await height()) - heightBefore;
      results.push(r);
      process.stdout.write(
        `in flight ${String(level.inFlight).padStart(3)}: ${r.tps.toFixed(0).padStart(6)} committed tx/s   p50 ${r.p50.toFixed(2)} ms   p95 ${r.p95.toFixed(2)} ms   (${r.committed} committed in ${blocks} blocks, ${r.failed} failed, ${r.seconds.toFixed(1)} s)\n` +
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
    if (service !== undefined) await stopChild(service.process);
    await nats.dispose();
    data.remove();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`ledger bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
