// A real HTTP server (node:http on 127.0.0.1) that answers as a test scripts it and keeps every
// request it received: the client's behaviour is tested over real sockets and the real fetch.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

/** What the server does with a request: answer JSON, drop the connection unanswered, or write the answer itself (a stream). */
export type Answer = { status: number; body: unknown; headers?: Record<string, string> } | 'drop' | ((res: ServerResponse) => void);

/** Scripts the answers: `nth` counts the requests the server received, this one included. */
export type Handler = (req: Received, nth: number) => Answer;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return { status, body, headers };
}

/** An answer in the edge's error body. */
export function apiError(status: number, code: string, headers: Record<string, string> = {}): Answer {
  return { status, body: { error: { code, message: `refused: ${code}`, requestId: 'req-test' } }, headers };
}

function send(res: ServerResponse, answer: Answer): void {
  if (answer === 'drop') {
    res.socket?.destroy();
  } else if (typeof answer === 'function') {
    answer(res);
  } else {
    res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }
}

export class ScriptedServer {
  readonly received: Received[] = [];
  private server: Server | undefined;
  url = '';

  private constructor(private readonly handler: Handler) {}

  static async start(handler: Handler): Promise<ScriptedServer> {
    const self = new ScriptedServer(handler);
    self.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        self.received.push(received);
        send(res, self.handler(received, self.received.length));
      });
    });
    const server = self.server;
    // Port 0: the kernel binds a free port at once (no window for another listener to take it).
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the scripted server has no TCP address');
    self.url = `http://127.0.0.1:${address.port}`;
    return self;
  }

  close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }
}
