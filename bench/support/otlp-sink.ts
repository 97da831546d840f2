// An OTLP/HTTP endpoint for benches run traced (BENCH_TRACING=1): it takes every export and keeps
// only a count, so the services pay what exporting costs them and nothing else is measured.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpSink {
  url: string;
  exports(): number;
  close(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  let exports = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      exports += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports: () => exports,
    close: () => new Promise<void>((resolve) => server.close(() => { resolve(); })),
  };
}

/** The OTLP endpoint a bench's processes export to: a sink of its own with BENCH_TRACING=1, else OTEL_EXPORTER_OTLP_ENDPOINT, else none (tracing off). */
export async function benchTracing(): Promise<{ endpoint?: string; sink?: OtlpSink; describe: string }> {
  const sink = process.env.BENCH_TRACING === '1' ? await startOtlpSink() : undefined;
  const endpoint = sink?.url ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const sampler = process.env.OTEL_TRACES_SAMPLER ? `${process.env.OTEL_TRACES_SAMPLER}${process.env.OTEL_TRACES_SAMPLER_ARG ? ` ${process.env.OTEL_TRACES_SAMPLER_ARG}` : ''}` : 'the default (DEFAULT_TRACE_RATIO, parent-based)';
  return { ...(endpoint ? { endpoint } : {}), ...(sink ? { sink } : {}), describe: endpoint ? `tracing on (OTLP ${endpoint}, sampler ${sampler}), metrics on` : 'tracing off, metrics on' };
}
