// What the edge does to request bytes before any DTO sees them: a nesting bound on JSON, and an
// answer in the documented error shape for requests Node's HTTP parser refuses on its own.
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from './edge-exception.filter';
import { EdgeErrorCode } from './error-status';

/**
 * Deepest JSON nesting a request body may have. The deepest legitimate body (an analysis with its
 * histograms) nests 4 levels; class-transformer and class-validator recurse per level, and a body
 * of 32 KiB can nest 16,000 deep, past the stack.
 */
export const MAX_JSON_DEPTH = 32;

/** The JSON nesting depth of `raw` (brackets outside strings), counted without recursion. */
export function jsonDepth(raw: Buffer): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (inString) {
      if (b === 0x5c) i++; // backslash: the next byte is escaped
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) {
      inString = true;
    } else if (b === 0x7b || b === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (b === 0x7d || b === 0x5d) {
      depth--;
    }
  }
  return max;
}

/**
 * body-parser's `verify` hook: runs on the (decompressed) bytes before they are parsed. The error
 * is an http-errors style client error, so the exception filter answers it as HTTP.BAD_REQUEST.
 */
export function refuseDeepJson(_req: unknown, _res: unknown, raw: Buffer): void {
  if (jsonDepth(raw) > MAX_JSON_DEPTH) {
    throw Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`), { status: 400, expose: true, type: 'entity.too.deep' });
  }
}

const CLIENT_ERRORS: Readonly<Record<string, readonly [status: number, reason: string, code: string, message: string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', EdgeErrorCode.HEADERS_TOO_LARGE, 'Request headers too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large', EdgeErrorCode.PAYLOAD_TOO_LARGE, 'Request chunk extensions too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', EdgeErrorCode.REQUEST_TIMEOUT, 'Request not received in time'],
};

/**
 * Requests that Node's HTTP parser refuses never reach Express; Node answers them with an empty
 * body. This answers them in the documented error shape instead (and, like Node, closes the
 * connection: the parser's state is lost).
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || pending?.headersSent === true) {
      socket.destroy();
      return;
    }
    const [status, reason, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'Bad Request', EdgeErrorCode.BAD_REQUEST, 'Malformed HTTP request'];
    const body: ErrorBody = { error: { code, message } };
    const json = JSON.stringify(body);
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
  });
}
