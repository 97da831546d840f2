import { context, INVALID_SPAN_CONTEXT, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { outcomeOf } from '../metrics/labels';

export { SpanKind };

const TRACER = 'phdmf';

export interface TracingOptions {
  service: string;
  version: string;
  /** OTLP/HTTP endpoint (the collector's base URL); traces are exported only when it or `exporter` is set. */
  otlpEndpoint?: string;
  /** A span exporter of the caller's (tests: an in-memory one); spans are exported as they end. */
  exporter?: SpanExporter;
}

let provider: NodeTracerProvider | undefined;

/**
 * Turns tracing on for this process: W3C trace context, the AsyncLocalStorage context manager, and
 * an exporter. Without an endpoint (or a test's exporter) it does nothing: the API's no-op tracer
 * then makes every span below free, and no traceparent is sent. Sampling follows the SDK's
 * defaults (parent-based, always on; OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG override).
 * Only the first call in a process takes effect (tests start several services in one process).
 */
export function initTracing(o: TracingOptions): boolean {
  if (provider) return true;
  const processors: SpanProcessor[] = [];
  if (o.exporter) processors.push(new SimpleSpanProcessor(o.exporter));
  if (o.otlpEndpoint) {
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${o.otlpEndpoint.replace(/\/$/, '')}/v1/traces` })));
  }
  if (processors.length === 0) return false;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: o.service, [ATTR_SERVICE_VERSION]: o.version }),
    spanProcessors: processors,
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return true;
}

/** Whether this process traces (initTracing found an exporter). */
export function tracingEnabled(): boolean {
  return provider !== undefined;
}

/** Flushes and stops the exporter (on shutdown, and in tests). */
export async function shutdownTracing(): Promise<void> {
  const p = provider;
  provider = undefined;
  if (!p) return;
  await p.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
}

/** The trace id of the span in progress, if a recording one is. */
export function currentTraceId(ctx: Context = context.active()): string | undefined {
  const span = trace.getSpan(ctx);
  const sc = span?.spanContext();
  return sc && span?.isRecording() ? sc.traceId : undefined;
}

/** The span in progress' ids, for log lines (so logs and traces join). */
export function traceFields(): { traceId: string; spanId: string } | undefined {
  const sc = trace.getActiveSpan()?.spanContext();
  return sc && trace.getActiveSpan()?.isRecording() ? { traceId: sc.traceId, spanId: sc.spanId } : undefined;
}

/**
 * Runs `fn` in a new span, active for everything it awaits; the span ends with the outcome
 * (`phdmf.outcome`: ok or the error's stable code). Attributes must carry no personal data: names
 * of messages and use cases, kinds, codes, counts.
 */
export function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, fn: (span: Span) => Promise<T>, parent?: Context): Promise<T> {
  // Tracing off: no span, no context switch (this runs twice per request on the hot path).
  if (!provider) return fn(NOT_TRACED);
  return traced(name, kind, attributes, fn, parent ?? context.active());
}

const NOT_TRACED: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

async function traced<T>(name: string, kind: SpanKind, attributes: Attributes, fn: (span: Span) => Promise<T>, parent: Context): Promise<T> {
  // `ok` unless the work says otherwise (a request answered with a coded refusal) or throws.
  const span = trace.getTracer(TRACER).startSpan(name, { kind, attributes: { ...attributes, 'phdmf.outcome': 'ok' } }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    const code = outcomeOf(error);
    span.setAttribute('phdmf.outcome', code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: code });
    throw error;
  } finally {
    span.end();
  }
}

/** Writes the active context's `traceparent` (and `tracestate`) into a carrier through `set`. */
export function injectTraceContext<C>(carrier: C, setter: TextMapSetter<C>, ctx: Context = context.active()): void {
  propagation.inject(ctx, carrier, setter);
}

/** The remote parent a carrier names (its `traceparent`), or the root context when it names none. */
export function extractTraceContext<C>(carrier: C, getter: TextMapGetter<C>): Context {
  return propagation.extract(ROOT_CONTEXT, carrier, getter);
}
