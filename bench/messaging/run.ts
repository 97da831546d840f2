// bench/messaging: request/reply throughput of the PHDMF messaging layer (MessageBus + NatsRpcServer
// with edge validation) against a raw `nats` client loop, in the same run, on the same nats-server,
// sequentially and with 256 requests in flight. Last line: messaging_vs_raw_nats_256=<ratio>.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { connect } from 'nats';
import { createLogger } from '@phdmf/logging';
import { MessageBus, type MessagingOptions } from '@phdmf/messaging';
import { initTracing } from '@phdmf/observability';
import { TestNatsServer } from '@phdmf/testing';
import { BenchEcho, RAW_SUBJECT } from './contracts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function measure(label: string, inFlight: number, call: (i: number) => Promise<unknown>): Promise<number> {
  // Warm up (JIT, connection buffers), then count completed calls for a fixed time.
  for (let i = 0; i < 2_000; i++) await call(i);
  const deadline = Date.now() + SECONDS * 1_000;
  let done = 0;
  const start = process.hrtime.bigint();
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
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = done / secs;
  process.stdout.write(`${label.padEnd(34)} in_flight=${String(inFlight).padEnd(4)} ${Math.round(rate)} req/s\n`);
  return rate;
}

async function main(): Promise<void> {
  const nats = await TestNatsServer.start();
  const server = spawn(process.execPath, [path.join(__dirname, 'server.js')], { env: { ...process.env, NATS_URL: nats.url }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('READY')) resolve();
    });
    server.on('exit', (code) => {
      reject(new Error(`bench server exited (${code})`));
    });
  });

  const otlpEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (otlpEndpoint) initTracing({ service: 'bench-client', version: 'bench', otlpEndpoint });
  const nc = await connect({ servers: nats.url });
  const options: MessagingOptions = { service: 'api-gateway', servers: [nats.url], requestTimeoutMs: 10_000, logger: createLogger({ service: 'bench', level: 'warn' }) };
  const bus = new MessageBus(nc, options);
  const enc = new TextEncoder();
  const raw = (i: number) => nc.request(RAW_SUBJECT, enc.encode(JSON.stringify({ id: `id-${i}`, n: i })), { timeout: 10_000 });
  const phdmf = (i: number) => bus.request(BenchEcho, { id: `id-${i}`, n: i });

  const rawSeq = await measure('raw nats request/reply', 1, raw);
  const phdmfSeq = await measure('phdmf MessageBus + NatsRpcServer', 1, phdmf);
  const raw256 = await measure('raw nats request/reply', 256, raw);
  const phdmf256 = await measure('phdmf MessageBus + NatsRpcServer', 256, phdmf);

  process.stdout.write(`messaging_vs_raw_nats_1=${(phdmfSeq / rawSeq).toFixed(3)}\n`);
  await nc.close();
  server.kill('SIGTERM');
  await nats.dispose();
  process.stdout.write(`messaging_vs_raw_nats_256=${(phdmf256 / raw256).toFixed(3)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
