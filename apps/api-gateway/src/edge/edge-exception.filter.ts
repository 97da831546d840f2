import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { CommonErrorCode, isStableErrorCode, PhdmfError } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { EdgeErrorCode, httpStatusFor } from './error-status';
import { requestIdOf } from './request-id';

/** The body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Readonly<Record<string, unknown>>; requestId?: string };
}

/**
 * Every error answered over HTTP goes through here: a coded error keeps its code and gets its
 * status from the one table; anything else becomes a 500 with a generic message. Stacks and the
 * messages of unexpected errors are logged, never sent.
 */
@Catch()
export class EdgeExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const requestId = requestIdOf(req);
    const { code, message, details } = describeError(exception);
    const status = httpStatusFor(code);
    if (status >= 500) {
      this.logger.error({ err: exception, code, requestId, method: req.method, path: req.path }, 'request failed');
    }
    const body: ErrorBody = {
      error: {
        code,
        // An unexpected error's own message may name internals (hosts, SQL, paths): not for clients.
        message: status === 500 ? 'Internal error' : message,
        ...(details && status < 500 ? { details } : {}),
        ...(requestId ? { requestId } : {}),
      },
    };
    // A throttled login, a used-up quota, a busy site, a key still in flight: whoever knows when to come back says so.
    if (typeof details?.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(details.retryAfterSeconds));
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    if (!res.headersSent) res.status(status).json(body);
  }
}

/** The coded error an exception is answered as (its status: `httpStatusFor(code)`); the Idempotency-Key record stores the same. */
export function describeError(e: unknown): { code: string; message: string; details?: Readonly<Record<string, unknown>> } {
  // A code that is not in the stable shape names an engine (SQLITE_ERROR): internal, whatever carried it.
  if (e instanceof PhdmfError && isStableErrorCode(e.code)) return { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) };
  if (e instanceof ThrottlerException) return { code: EdgeErrorCode.RATE_LIMITED, message: 'Too many requests; slow down' };
  if (e instanceof HttpException) {
    const status = e.getStatus();
    if (status === 404) return { code: EdgeErrorCode.NOT_FOUND, message: 'No such endpoint' };
    if (status === 413) return { code: EdgeErrorCode.PAYLOAD_TOO_LARGE, message: 'Request body too large' };
    if (status === 400) return { code: EdgeErrorCode.BAD_REQUEST, message: 'Malformed request (the body must be valid JSON)' };
    if (status === 415) return { code: EdgeErrorCode.UNSUPPORTED_MEDIA_TYPE, message: 'Unsupported content type' };
  }
  // body-parser's own errors (http-errors): a client-error status it means to expose. Its type is
  // not always set (a zlib error on a body that is not compressed as its Content-Encoding says has
  // none), and its message is the engine's, so only the status is used.
  const parserError = e as { status?: unknown; expose?: unknown };
  if (typeof parserError.status === 'number' && parserError.expose === true && parserError.status >= 400 && parserError.status < 500) {
    if (parserError.status === 413) return { code: EdgeErrorCode.PAYLOAD_TOO_LARGE, message: 'Request body too large' };
    if (parserError.status === 415) return { code: EdgeErrorCode.UNSUPPORTED_MEDIA_TYPE, message: 'Unsupported content encoding or charset' };
    return { code: EdgeErrorCode.BAD_REQUEST, message: 'Malformed request body (JSON, at most 32 levels deep, encoded as its Content-Encoding says)' };
  }
  return { code: CommonErrorCode.INTERNAL, message: 'Internal error' };
}
