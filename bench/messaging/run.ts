// bench/messaging: request/reply throughput of the PHDMF messaging layer (MessageBus + NatsRpcServer
// with edge validation) against a raw `nats` client loop, in the same run, on the same nats-server,
// sequentially and with 256 requests in flight. Last line: messaging_vs_raw_nats_256=<ratio>.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createLogger } from '@phdmf/logging';
import { connectNats, MessageBus, type MessagingOptions } from '@phdmf/messaging';
import { initTracing, shutdownTracing, SpanKind, startTrace } from '@phdmf/observability';
import { TestNatsServer } from '@phdmf/testing';
import { cpuSeconds } from '../support/node-process';
import { benchTracing } from '../support/otlp-sink';
import { BenchEcho, RAW_SUBJECT } from './contracts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
// The two loops take turns in rounds of a second, so a change in the machine's load (other work on
// the two cores) falls on both alike instead of on whichever ran in the loaded seconds.
const ROUND_MS = 1_000;

interface Tally {
  done: number;
  seconds: number;
  clientCpuMicros: number;
  serverCpuMicros: number;
}

const tally = (): Tally => ({ done: 0, seconds: 0, clientCpuMicros: 0, serverCpuMicros: 0 });

/** CPU time (user + system) a process has used, in microseconds (bench/support/node-process.ts; NaN off Linux). */
function cpuMicrosOf(pid: number): number {
  return cpuSeconds(pid) * 1e6;
}

function ownCpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Runs `inFlight` loops of `call` for one round, adding its calls, time and both processes' CPU to `t`. */
async function round(t: Tally, inFlight: number, serverPid: number, call: (i: number) => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + ROUND_MS;
  const [cpu0, server0, start] = [ownCpuMicros(), cpuMicrosOf(serverPid), process.hrtime.bigint()];
  let done = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async (_, w) => {
      let i = w;
      while (Date.now() < deadline) {
        await call(i);
        i += inFlight;
        done += 1;
      }
    }),
  );
  t.seconds += Number(process.hrtime.bigint() - start) / 1e9;
  t.done += done;
  t.clientCpuMicros += ownCpuMicros() - cpu0;
  t.serverCpuMicros += cpuMicrosOf(serverPid) - server0;
}

function report(label: string, inFlight: number, t: Tally): number {
  const rate = t.done / t.seconds;
  const perCall = (micros: number) => (micros / t.done).toFixed(1);
  process.stdout.write(`${label.padEnd(34)} in_flight=${String(inFlight).padEnd(4)} ${String(Math.round(rate)).padStart(6)} req/s  cpu/req client ${perCall(t.clientCpuMicros)} µs, server ${perCall(t.serverCpuMicros)} µs\n`);
  return rate;
}

/** Both loops, in alternating rounds after a warm-up each; returns PHDMF's rate over the raw one. */
async function compare(inFlight: number, serverPid: number, raw: (i: number) => Promise<unknown>, phdmf: (i: number) => Promise<unknown>): Promise<number> {
  // Warm up (JIT, connection buffers).
  for (let i = 0; i < 2_000; i++) await raw(i);
  for (let i = 0; i < 2_000; i++) await phdmf(i);
  const [r, p] = [tally(), tally()];
  for (let n = 0; n < Math.max(1, Math.round(SECONDS)); n++) {
    // Which one goes first alternates too.
    if (n % 2 === 0) {
      await round(r, inFlight, serverPid, raw);
      await round(p, inFlight, serverPid, phdmf);
    } else {
      await round(p, inFlight, serverPid, phdmf);
      await round(r, inFlight, serverPid, raw);
    }
  }
  return report('phdmf MessageBus + NatsRpcServer', inFlight, p) / report('raw nats request/reply', inFlight, r);
}

async function main(): Promise<void> {
  const { endpoint: otlpEndpoint, sink, describe } = await benchTracing();
  const nats = await TestNatsServer.start();
  const server = spawn(process.execPath, [path.join(__dirname, 'server.js')], {
    env: { ...process.env, NATS_URL: nats.url, ...(otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('READY')) resolve();
    });
    server.on('exit', (code) => {
      reject(new Error(`bench server exited (${code})`));
    });
  });

  // Traced as a service is (runService): every request a span on both sides, exported over OTLP.
  if (otlpEndpoint) initTracing({ service: 'bench-client', version: 'bench', otlpEndpoint });
  process.stdout.write(`${describe}\n`);
  const options: MessagingOptions = { service: 'api-gateway', servers: [nats.url], requestTimeoutMs: 10_000, logger: createLogger({ service: 'bench', level: 'warn' }) };
  // One connection for both loops, opened as every service opens its own (connectNats: noAsyncTraces,
  // which spares nats.js's request() two errors with stacks per call). So the raw loop is nats.js's
  // request() at its cheapest, and the difference is the messaging layer's own work.
  const nc = await connectNats(options);
  const bus = new MessageBus(nc, options);
  const enc = new TextEncoder();
  const raw = (i: number) => nc.request(RAW_SUBJECT, enc.encode(JSON.stringify({ id: `id-${i}`, n: i })), { timeout: 10_000 });
  const phdmf = otlpEndpoint
    ? // Each request as the edge makes it: the root of a trace the sampler decides on (DEFAULT_TRACE_RATIO unless OTEL_TRACES_SAMPLER says otherwise).
      (i: number) => startTrace('bench request', SpanKind.SERVER, {}, () => bus.request(BenchEcho, { id: `id-${i}`, n: i }))
    : (i: number) => bus.request(BenchEcho, { id: `id-${i}`, n: i });

  const serverPid = server.pid ?? 0;
  const ratio1 = await compare(1, serverPid, raw, phdmf);
  const ratio256 = await compare(256, serverPid, raw, phdmf);

  process.stdout.write(`messaging_vs_raw_nats_1=${ratio1.toFixed(3)}\n`);
  await shutdownTracing();
  await nc.close();
  server.kill('SIGTERM');
  await nats.dispose();
  if (sink) {
    process.stdout.write(`OTLP exports received: ${sink.exports()}\n`);
    await sink.close();
  }
  process.stdout.write(`messaging_vs_raw_nats_256=${ratio256.toFixed(3)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
