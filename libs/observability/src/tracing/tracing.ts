import { context, INVALID_SPAN_CONTEXT, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type Span, type TextMapGetter, type TextMapSetter, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, SimpleSpanProcessor, type Sampler, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { outcomeOf } from '../metrics/labels';

export { SpanKind };
export type { Span };

const TRACER = 'phdmf';

/**
 * The share of traces started where a request enters (HTTP at the edge or a site's local API) when
 * OTEL_TRACES_SAMPLER is unset: 1 %. Every hop below follows the entry's decision (parent-based), so
 * a trace is whole or absent. Tracing every request costs each NATS hop about as much again as the
 * hop itself (bench/messaging); one in a hundred costs the hot path next to nothing. Set
 * OTEL_TRACES_SAMPLER=always_on (or parentbased_traceidratio with OTEL_TRACES_SAMPLER_ARG) to see
 * more, e.g. locally.
 */
export const DEFAULT_TRACE_RATIO = 0.01;

export interface TracingOptions {
  service: string;
  version: string;
  /** OTLP/HTTP endpoint (the collector's base URL); traces are exported only when it or `exporter` is set. */
  otlpEndpoint?: string;
  /** A span exporter of the caller's (tests: an in-memory one); spans are exported as they end. */
  exporter?: SpanExporter;
  /** The sampler (tests: always on); otherwise OTEL_TRACES_SAMPLER's, or DEFAULT_TRACE_RATIO's parent-based one. */
  sampler?: Sampler;
  /**
   * Whether a request entering over HTTP may continue its caller's `traceparent` (and so its sampling
   * decision); OTEL_TRUST_INCOMING_TRACEPARENT. Off by default: the edge and a site's local API are
   * reached by callers we do not control, and one sending `-01` on every request would have every
   * request traced (the cost bench/messaging measures, and a flood of spans). Untrusted, an entry is
   * a new root the sampler decides on, and the caller's trace, when it is sampled, is only linked.
   */
  trustIncoming?: boolean;
}

let provider: NodeTracerProvider | undefined;
let tracer: Tracer | undefined;
/**
 * The share of entries without a parent that may start a trace, drawn before the SDK is asked: the
 * SDK's own root decision (two random ids, attribute checks, its self-metrics) costs an unsampled
 * request more than the rest of its tracing work together. 1 when a sampler was given or
 * OTEL_TRACES_SAMPLER names one: that sampler then decides alone.
 */
let entryRatio = 1;
/** TracingOptions.trustIncoming of the process. */
let trustIncoming = false;

/**
 * Turns tracing on for this process: W3C trace context, the AsyncLocalStorage context manager, and
 * an exporter. Without an endpoint (or a test's exporter) it does nothing: every span below is then
 * skipped, and no traceparent is sent. Sampling: DEFAULT_TRACE_RATIO of the traces started where a
 * request enters, parent-based below (OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG override).
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
  // The default: DEFAULT_TRACE_RATIO of the entries (drawn in entryDeclined), parent-based below.
  // OTEL_TRACES_SAMPLER set: the SDK builds that one (with OTEL_TRACES_SAMPLER_ARG) itself.
  const byDefault = o.sampler === undefined && !process.env.OTEL_TRACES_SAMPLER;
  entryRatio = byDefault ? DEFAULT_TRACE_RATIO : 1;
  trustIncoming = o.trustIncoming === true;
  const sampler = o.sampler ?? (byDefault ? new ParentBasedSampler({ root: new AlwaysOnSampler() }) : undefined);
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: o.service, [ATTR_SERVICE_VERSION]: o.version }),
    spanProcessors: processors,
    ...(sampler ? { sampler } : {}),
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  tracer = trace.getTracer(TRACER);
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
  tracer = undefined;
  entryRatio = 1;
  trustIncoming = false;
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
 * Whether `ctx` (the active context by default) is inside a sampled trace: only then does work open
 * spans and send a traceparent. A trace starts where a request enters (startTrace, the HTTP
 * middleware); everything below continues it or, when there is none, does no tracing work at all.
 */
export function traceInProgress(ctx: Context = context.active()): boolean {
  if (!tracer) return false;
  const sc = trace.getSpanContext(ctx);
  return sc !== undefined && (sc.traceFlags & TraceFlags.SAMPLED) !== 0;
}

/**
 * Runs `fn` in a new span of the trace in progress (in `parent`, or the active context), active for
 * everything it awaits; the span ends with the outcome (`phdmf.outcome`: ok or the error's stable
 * code). No trace in progress (tracing off, the trace not sampled, none started): `fn` runs as it
 * is, with no span, no context switch and no extra promise. Attributes must carry no personal data:
 * names of messages and use cases, kinds, codes, counts.
 */
export function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, fn: (span: Span) => Promise<T>, parent?: Context): Promise<T> {
  const ctx = parent ?? context.active();
  if (!tracer || !traceInProgress(ctx)) return fn(NOT_TRACED);
  return traced(tracer.startSpan(name, { kind, attributes: { ...attributes, 'phdmf.outcome': 'ok' } }, ctx), ctx, fn);
}

/** inSpan for synchronous work (a site's disclosure control, its signature). */
export function inSpanSync<T>(name: string, attributes: Attributes, fn: () => T): T {
  const ctx = context.active();
  if (!tracer || !traceInProgress(ctx)) return fn();
  const span = tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes: { ...attributes, 'phdmf.outcome': 'ok' } }, ctx);
  try {
    return context.with(trace.setSpan(ctx, span), fn);
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Starts a trace (where a request enters, or work nobody asked for over the bus), unless one is in
 * progress already, in which case it is a span of that one. The sampler decides: an unsampled trace
 * runs `fn` untraced, so everything below it does no tracing work either.
 */
export function startTrace<T>(name: string, kind: SpanKind, attributes: Attributes, fn: (span: Span) => Promise<T>, parent?: Context): Promise<T> {
  if (!tracer) return fn(NOT_TRACED);
  const ctx = parent ?? context.active();
  if (entryDeclined(ctx)) return fn(NOT_TRACED);
  const span = tracer.startSpan(name, { kind, attributes: { ...attributes, 'phdmf.outcome': 'ok' } }, ctx);
  if (!span.isRecording()) return fn(NOT_TRACED);
  return traced(span, ctx, fn);
}

/** Whether an entry with no parent in `ctx` is left untraced by the default sampling (see entryRatio). */
function entryDeclined(ctx: Context): boolean {
  return entryRatio < 1 && trace.getSpanContext(ctx) === undefined && Math.random() >= entryRatio;
}

/** The span that stands for "not traced": every call on it does nothing. */
export const NOT_TRACED: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

async function traced<T>(span: Span, parent: Context, fn: (span: Span) => Promise<T>): Promise<T> {
  // `ok` unless the work says otherwise (a request answered with a coded refusal) or throws.
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

function failed(span: Span, error: unknown): void {
  const code = outcomeOf(error);
  span.setAttribute('phdmf.outcome', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

/**
 * The server span of a request entering from outside (HTTP at the edge or a site), with the context
 * it is active in; undefined when the request is not traced. The caller's `traceparent` (read from
 * `carrier`) is its parent only when this process trusts incoming trace context (trustIncoming);
 * otherwise the span is a new root, sampled as any entry without a parent, and — only once it is
 * sampled, so an unsampled request does not even parse the header — a link to the caller's span when
 * that one was sampled, so the two traces can still be joined.
 */
export function startEntrySpan<C>(name: string, kind: SpanKind, attributes: Attributes, carrier: C, getter: TextMapGetter<C>): { span: Span; ctx: Context } | undefined {
  if (!tracer) return undefined;
  const incoming = trustIncoming ? extractTraceContext(carrier, getter) : ROOT_CONTEXT;
  if (entryDeclined(incoming)) return undefined;
  const caller = trustIncoming ? undefined : trace.getSpanContext(extractTraceContext(carrier, getter));
  const links = caller && (caller.traceFlags & TraceFlags.SAMPLED) !== 0 ? [{ context: caller, attributes: { 'phdmf.link': 'untrusted caller' } }] : undefined;
  const span = tracer.startSpan(name, { kind, attributes, ...(links ? { links } : {}) }, incoming);
  return span.isRecording() ? { span, ctx: trace.setSpan(incoming, span) } : undefined;
}

/** Writes the active context's `traceparent` (and `tracestate`) into a carrier through `set`. */
export function injectTraceContext<C>(carrier: C, setter: TextMapSetter<C>, ctx: Context = context.active()): void {
  // Only a sampled trace travels: below an unsampled or absent one, nothing is traced anyway.
  if (traceInProgress(ctx)) propagation.inject(ctx, carrier, setter);
}

/** The remote parent a carrier names (its `traceparent`), or the root context when it names none. */
export function extractTraceContext<C>(carrier: C, getter: TextMapGetter<C>): Context {
  return propagation.extract(ROOT_CONTEXT, carrier, getter);
}
