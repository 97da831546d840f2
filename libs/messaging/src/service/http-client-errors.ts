import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { HTTP_LAYER_ERRORS, httpStatusFor, type HttpErrorBody } from '@phdmf/contracts';

/** Node's parser codes that name a limit; any other refusal is a malformed request (400). */
const PARSER_REFUSALS: Readonly<Record<string, (typeof HTTP_LAYER_ERRORS)[keyof typeof HTTP_LAYER_ERRORS]>> = {
  HPE_HEADER_OVERFLOW: HTTP_LAYER_ERRORS[431],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: HTTP_LAYER_ERRORS[413],
  ERR_HTTP_REQUEST_TIMEOUT: HTTP_LAYER_ERRORS[408],
};

/**
 * Node's HTTP parser refuses some requests before any framework sees them (headers too large: 431,
 * a request that is not HTTP: 400, too slow: 408) and answers them itself, with an empty body. This
 * answers them as every other error, `{ error: { code, message } }`, under the same conditions Node
 * does: only while no response to this request has begun.
 */
export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex & { _httpMessage?: { headersSent?: boolean } }) => {
    // Only a response already under way on this socket forbids an answer: a kept-alive socket has
    // written earlier responses (bytesWritten > 0) and its next request still deserves one.
    if (!socket.writable || socket._httpMessage?.headersSent === true || err.code === 'ECONNRESET') {
      socket.destroy(err);
      return;
    }
    const error = PARSER_REFUSALS[err.code ?? ''] ?? HTTP_LAYER_ERRORS[400];
    const status = httpStatusFor(error.code);
    const body = JSON.stringify({ error } satisfies HttpErrorBody);
    // Ended, not destroyed: as in Node's own example. Destroying right after the write resets the
    // connection while the client is still sending its oversized headers, and the client then loses
    // the answer ("socket hang up").
    const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
    socket.end(head + body);
  });
}
