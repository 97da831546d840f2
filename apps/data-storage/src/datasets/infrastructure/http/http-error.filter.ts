import { Catch, HttpException, Inject, Injectable, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CommonErrorCode, httpLayerError, httpStatusFor, PhdmfError, type HttpErrorBody, type WireError } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { STORAGE_LOGGER } from '../../storage.tokens';

const INTERNAL: WireError = { code: CommonErrorCode.INTERNAL, message: 'internal error' };

/**
 * Every error the local API answers, whatever raised it (a handler, a guard, an unknown route), as
 * `{ error: { code, message, details? } }` with its status from the one code → status table. The
 * text of an uncoded error is logged, never sent.
 */
@Catch()
@Injectable()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(@Inject(STORAGE_LOGGER) private readonly log: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    const wire = describe(exception);
    const status = httpStatusFor(wire.code);
    if (status >= 500) this.log.error({ err: exception, code: wire.code, method: req.method, path: req.path }, 'local API request failed');
    const body: HttpErrorBody = { error: status === 500 ? INTERNAL : wire };
    // An upload refused before its end: close the connection instead of reading the rest of it.
    if (!req.complete) res.setHeader('Connection', 'close');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json(body);
  }
}

function describe(e: unknown): WireError {
  if (e instanceof PhdmfError) return e.toWire();
  // Nest's own (an unknown route is its NotFoundException): a fixed sentence per status, never its message.
  if (e instanceof HttpException) return httpLayerError(e.getStatus()) ?? INTERNAL;
  return INTERNAL;
}
