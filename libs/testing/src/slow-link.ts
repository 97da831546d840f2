import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './free-port';

/**
 * A loopback TCP proxy whose client-to-server direction arrives `delayMs` late, in order: a far or
 * overloaded client as the server sees it. It makes deterministic the races a busy machine only
 * sometimes shows, such as a request from a nearby client overtaking a subscription sent earlier by
 * a slow one.
 */
export class SlowLink {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async open(target: { host: string; port: number }, delayMs: number): Promise<SlowLink> {
    const port = await freePort();
    const server = createServer();
    const link = new SlowLink(server, port);
    server.on('connection', (client) => {
      link.relay(client, createConnection(target.port, target.host), delayMs);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    return link;
  }

  /** Where a client connects, as `nats://127.0.0.1:<port>`. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  private relay(client: Socket, upstream: Socket, delayMs: number): void {
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => {
        this.sockets.delete(s);
      });
    }
    // Timers of one duration fire in the order they were set: the bytes keep their order.
    client.on('data', (chunk) => {
      setTimeout(() => {
        if (!upstream.destroyed) upstream.write(chunk);
      }, delayMs);
    });
    upstream.on('data', (chunk) => {
      if (!client.destroyed) client.write(chunk);
    });
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', cut).on('error', cut);
    upstream.on('close', cut).on('error', cut);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}
