import { AlwaysOffSampler, AlwaysOnSampler, InMemorySpanExporter, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { PhdmfError } from '@phdmf/contracts';
import { DEFAULT_TRACE_RATIO, extractTraceContext, initTracing, injectTraceContext, inSpan, inSpanSync, shutdownTracing, SpanKind, startTrace, traceInProgress, tracingEnabled } from './tracing';

const getter = { keys: (c: Record<string, string>) => Object.keys(c), get: (c: Record<string, string>, key: string) => c[key] };
const setter = { set: (carrier: Record<string, string>, key: string, value: string) => void (carrier[key] = value) };

/** The headers a request sent from here would carry. */
function headersNow(): Record<string, string> {
  const h: Record<string, string> = {};
  injectTraceContext(h, setter);
  return h;
}

describe('tracing: a trace starts where a request enters, and everything below follows its sampling', () => {
  // A new one per test: shutting tracing down shuts its exporter down for good.
  let exporter: InMemorySpanExporter;

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
  });

  afterEach(async () => {
    await shutdownTracing();
  });

  it('does nothing with tracing off: no span, no traceparent', async () => {
    expect(tracingEnabled()).toBe(false);
    const seen = await startTrace('entry', SpanKind.SERVER, {}, () => inSpan('step', SpanKind.INTERNAL, {}, () => Promise.resolve(headersNow())));
    expect(seen).toEqual({});
    expect(traceInProgress()).toBe(false);
  });

  it('records a sampled trace: the entry span, its steps as children, traceparent in outgoing headers, failures by code', async () => {
    initTracing({ service: 'spec', version: 'test', exporter, sampler: new AlwaysOnSampler() });
    const headers = await startTrace('entry', SpanKind.SERVER, { 'http.route': '/x' }, async () => {
      const inner = await inSpan('step', SpanKind.INTERNAL, {}, () => Promise.resolve(headersNow()));
      expect(inSpanSync('sync step', {}, () => 42)).toBe(42);
      await expect(inSpan('refused', SpanKind.CLIENT, {}, () => Promise.reject(new PhdmfError('ACCESS.NOT_GRANTED', 'no')))).rejects.toThrow('no');
      return inner;
    });
    const spans = exporter.getFinishedSpans();
    const byName = new Map(spans.map((s) => [s.name, s]));
    const entry = byName.get('entry')!;
    expect(spans.map((s) => s.name).sort()).toEqual(['entry', 'refused', 'step', 'sync step']);
    for (const name of ['step', 'sync step', 'refused']) {
      expect(byName.get(name)?.parentSpanContext?.spanId).toBe(entry.spanContext().spanId);
      expect(byName.get(name)?.spanContext().traceId).toBe(entry.spanContext().traceId);
    }
    expect(byName.get('refused')?.attributes['phdmf.outcome']).toBe('ACCESS.NOT_GRANTED');
    expect(entry.attributes['phdmf.outcome']).toBe('ok');
    // The step's own span id travels, flagged sampled.
    expect(headers.traceparent).toBe(`00-${entry.spanContext().traceId}-${byName.get('step')!.spanContext().spanId}-01`);
  });

  it('below an unsampled entry opens no span and sends no traceparent', async () => {
    initTracing({ service: 'spec', version: 'test', exporter, sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) });
    const seen = await startTrace('entry', SpanKind.SERVER, {}, async () => {
      expect(traceInProgress()).toBe(false);
      return inSpan('step', SpanKind.CLIENT, {}, () => Promise.resolve(headersNow()));
    });
    expect(seen).toEqual({});
    expect(exporter.getFinishedSpans()).toEqual([]);
    // …while a trace the caller sent sampled is followed (parent-based), so the exporter does record.
    await startTrace('entry', SpanKind.SERVER, {}, () => Promise.resolve(), extractTraceContext({ traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` }, getter));
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['entry']);
  });

  it('never starts a trace below the entry: a step with no trace in progress runs untraced', async () => {
    initTracing({ service: 'spec', version: 'test', exporter, sampler: new AlwaysOnSampler() });
    const seen = await inSpan('orphan step', SpanKind.CLIENT, {}, () => Promise.resolve(headersNow()));
    expect(seen).toEqual({});
    await startTrace('entry', SpanKind.SERVER, {}, () => Promise.resolve());
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['entry']);
  });

  it(`samples about ${DEFAULT_TRACE_RATIO * 100} % of entries by default`, async () => {
    const before = process.env.OTEL_TRACES_SAMPLER;
    delete process.env.OTEL_TRACES_SAMPLER;
    try {
      initTracing({ service: 'spec', version: 'test', exporter });
      const n = 5_000;
      for (let i = 0; i < n; i++) await startTrace('entry', SpanKind.SERVER, {}, () => Promise.resolve());
      // Binomial(5000, 0.01): mean 50, sd ≈ 7.
      expect(exporter.getFinishedSpans().length).toBeGreaterThan(15);
      expect(exporter.getFinishedSpans().length).toBeLessThan(100);
    } finally {
      if (before !== undefined) process.env.OTEL_TRACES_SAMPLER = before;
    }
  });
});
