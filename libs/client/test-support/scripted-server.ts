// A real HTTP server (node:http on 127.0.0.1) that answers as a test scripts it and keeps every
// request it received: the client's behaviour is tested over real sockets and the real fetch.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort } from '@phdmf/testing';

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export type Handler = (req: Received, res: ServerResponse, nth: number) => void | Promise<void>;

export class ScriptedServer {
  readonly received: Received[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(handler: Handler): Promise<ScriptedServer> {
    const port = await freePort();
    let self: ScriptedServer | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        self!.received.push(received);
        void Promise.resolve(handler(received, res, self!.received.length)).catch((error: unknown) => {
          res.statusCode = 500;
          res.end(String(error));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    self = new ScriptedServer(server, `http://127.0.0.1:${port}`);
    return self;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function apiError(res: ServerResponse, status: number, code: string, headers: Record<string, string> = {}): void {
  json(res, status, { error: { code, message: `refused: ${code}`, requestId: 'req-test' } }, headers);
}
