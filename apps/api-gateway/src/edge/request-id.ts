import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { currentTraceId, traceContextOf } from '@phdmf/observability';

const REQUEST_ID = Symbol('phdmf.requestId');
const ACCEPTABLE = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * Gives each request an id: the caller's X-Request-Id if it is well-formed, else its trace id (or a new one). It is
 * the correlation id of every message the request causes, and is echoed in the response.
 */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  // Without one of the caller's, the id is the request's trace id, so logs and traces join.
  const id = given && ACCEPTABLE.test(given) ? given : (currentTraceId(traceContextOf(req)) ?? randomUUID());
  (req as unknown as Record<symbol, string>)[REQUEST_ID] = id;
  res.setHeader('X-Request-Id', id);
  next();
}

export function requestIdOf(req: Request): string | undefined {
  return (req as unknown as Record<symbol, string | undefined>)[REQUEST_ID];
}
