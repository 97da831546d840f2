import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { AlwaysOffSampler, AlwaysOnSampler, InMemorySpanExporter, ParentBasedSampler, type Sampler } from '@opentelemetry/sdk-trace-base';
import { initTracing, shutdownTracing } from '../tracing/tracing';
import { httpObservability } from './http-observability';

const CALLER_TRACE = 'ab'.repeat(16);
const CALLER_SPAN = 'cd'.repeat(8);
/** What an outsider sends to have its request traced: a traceparent flagged sampled (-01). */
const SAMPLED_TRACEPARENT = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;

/**
 * The attack: a caller on the internet sends a sampled traceparent with every request, to have each
 * one traced (spans, exports: the cost tracing every request has). Only a process configured to trust
 * incoming trace context (OTEL_TRUST_INCOMING_TRACEPARENT=true) follows it.
 */
describe('HTTP entry: a caller\'s sampled traceparent is followed only when trusted', () => {
  let exporter: InMemorySpanExporter;
  let server: Server | undefined;

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
  });

  afterEach(async () => {
    const open = server;
    if (open) {
      open.closeAllConnections();
      await new Promise<void>((resolve) => {
        open.close(() => {
          resolve();
        });
      });
    }
    server = undefined;
    await shutdownTracing();
  });

  /** A real HTTP server with the middleware, traced with `sampler` for entries without a (trusted) parent. */
  async function serve(sampler: Sampler, trustIncoming: boolean): Promise<string> {
    initTracing({ service: 'spec', version: 'test', exporter, sampler, trustIncoming });
    const app = express();
    app.use(httpObservability);
    app.get('/x', (_req, res) => {
      res.json({ ok: true });
    });
    const listening = app.listen(0, '127.0.0.1');
    server = listening;
    await new Promise<void>((resolve) => listening.once('listening', resolve));
    return `http://127.0.0.1:${(listening.address() as AddressInfo).port}/x`;
  }

  async function get(url: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) {
      const res = await fetch(url, { headers: { traceparent: SAMPLED_TRACEPARENT } });
      expect(res.status).toBe(200);
    }
    // The span ends on the response's finish, which may come just after the client has the body.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  it('untrusted (the default): a sampled traceparent does not force a trace; the sampler alone decides', async () => {
    // A sampler that never starts a trace of its own, so any span would be the caller's doing.
    const url = await serve(new ParentBasedSampler({ root: new AlwaysOffSampler() }), false);
    await get(url, 20);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('untrusted: a request the sampler does trace is a new root that only links to the caller\'s span', async () => {
    const url = await serve(new AlwaysOnSampler(), false);
    await get(url, 1);
    const [span, ...rest] = exporter.getFinishedSpans();
    expect(rest).toEqual([]);
    expect(span!.name).toBe('GET /x');
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.spanContext().traceId).not.toBe(CALLER_TRACE);
    expect(span!.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([[CALLER_TRACE, CALLER_SPAN]]);
  });

  it('trusted (OTEL_TRUST_INCOMING_TRACEPARENT=true): the caller\'s sampled trace is continued', async () => {
    const url = await serve(new ParentBasedSampler({ root: new AlwaysOffSampler() }), true);
    await get(url, 3);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    for (const span of spans) {
      expect(span.spanContext().traceId).toBe(CALLER_TRACE);
      expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN);
      expect(span.links).toEqual([]);
    }
  });
});
