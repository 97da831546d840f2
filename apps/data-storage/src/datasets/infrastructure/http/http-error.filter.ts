import { Catch, HttpException, Inject, Injectable, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CommonErrorCode, PhdmfError, StorageErrorCode } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { STORAGE_LOGGER } from '../../storage.tokens';

/** Error code → HTTP status of the local API, in one table. Anything unlisted is a 500 or, for the ledger's refusals, a 409. */
const STATUS: Record<string, number> = {
  'AUTH.TOKEN_INVALID': 401,
  'AUTH.TOKEN_EXPIRED': 401,
  [StorageErrorCode.FORBIDDEN]: 403,
  [StorageErrorCode.DATASET_NOT_FOUND]: 404,
  [StorageErrorCode.CSV_INVALID]: 422,
  [StorageErrorCode.PARQUET_INVALID]: 422,
  [StorageErrorCode.TOO_LARGE]: 413,
  [StorageErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [StorageErrorCode.REQUEST_INVALID]: 400,
  [StorageErrorCode.UPLOAD_ABORTED]: 400,
  [StorageErrorCode.IO_FAILED]: 507,
  [CommonErrorCode.VALIDATION_FAILED]: 400,
  [CommonErrorCode.TIMEOUT]: 503,
  [CommonErrorCode.NO_RESPONDERS]: 503,
  [CommonErrorCode.UNAVAILABLE]: 503,
  'LEDGER.UNAVAILABLE': 503,
};

/** Maps coded errors to HTTP answers `{ code, message, details? }`. */
@Catch()
@Injectable()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(@Inject(STORAGE_LOGGER) private readonly log: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    let status: number;
    let body: { code: string; message: string; details?: unknown };
    if (exception instanceof PhdmfError) {
      status = STATUS[exception.code] ?? (/^(DATASET|ACCESS|MEMBER|LEDGER)\./.test(exception.code) ? 409 : 500);
      body = exception.toWire();
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      body = { code: status === 404 ? 'HTTP.NOT_FOUND' : 'HTTP.ERROR', message: exception.message };
    } else {
      status = 500;
      body = { code: CommonErrorCode.INTERNAL, message: 'internal error' };
      this.log.error({ err: exception, path: req.path }, 'local API request failed');
    }
    // An upload refused before its end: close the connection instead of reading the rest of it.
    if (!req.complete) res.setHeader('Connection', 'close');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json(body);
  }
}
