import { context, SpanKind, SpanStatusCode, type Context } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { Metrics, secondsSince } from '../metrics/metrics';
import { startEntrySpan, tracingEnabled } from '../tracing/tracing';

const TRACE_CONTEXT = Symbol('phdmf.traceContext');

/**
 * The route a request matched, as its template (`/api/v1/analyses/:id`), never the raw path: a raw
 * path carries ids and would make one series per resource. Requests no route matched are `unmatched`.
 */
export function routeTemplateOf(req: Request): string {
  const route = (req as { route?: { path?: unknown } }).route;
  return typeof route?.path === 'string' ? `${req.baseUrl}${route.path}` : 'unmatched';
}

/**
 * Times every HTTP request (per route template and status) and opens its server span, the parent
 * of the NATS requests it causes. The span is kept on the request (traceContextOf) rather than
 * relied on through AsyncLocalStorage alone: body parsers resume on the socket's own async context.
 */
export function httpObservability(req: Request, res: Response, next: NextFunction): void {
  const start = process.hrtime.bigint();
  // A trace starts here (or continues a trusted caller's traceparent); the sampler decides, once per request.
  const entry = tracingEnabled() ? startEntrySpan(`HTTP ${req.method}`, SpanKind.SERVER, { 'http.request.method': req.method }, req.headers, HEADERS) : undefined;
  if (!entry) {
    res.once('finish', () => {
      Metrics.httpRequestDuration.observe({ method: req.method, route: routeTemplateOf(req), status: String(res.statusCode) }, secondsSince(start));
    });
    next();
    return;
  }
  const { span, ctx } = entry;
  (req as unknown as Record<symbol, Context>)[TRACE_CONTEXT] = ctx;
  res.once('finish', () => {
    const route = routeTemplateOf(req);
    Metrics.httpRequestDuration.observe({ method: req.method, route, status: String(res.statusCode) }, secondsSince(start));
    span.updateName(`${req.method} ${route}`);
    span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(ctx, next);
}

const HEADERS = {
  keys: (h: Request['headers']) => Object.keys(h),
  get: (h: Request['headers'], key: string) => h[key],
};

/** The trace context of an HTTP request (its server span), for work the request starts. */
export function traceContextOf(req: Request): Context {
  return (req as unknown as Record<symbol, Context | undefined>)[TRACE_CONTEXT] ?? context.active();
}
