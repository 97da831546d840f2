import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from './metrics';

/** Answers a scrape: the registry in Prometheus' text format. */
export async function writeMetrics(res: ServerResponse): Promise<void> {
  try {
    const body = await metricsRegistry.metrics();
    res.writeHead(200, { 'Content-Type': metricsRegistry.contentType });
    res.end(body);
  } catch {
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end('metrics unavailable\n');
  }
}

export interface MetricsListener {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A listener of its own for `/metrics`: for the services without HTTP, and for the edge, whose
 * HTTP port is the public one (a separate port keeps the figures off the ingress and lets a
 * NetworkPolicy admit only the monitoring namespace). It never keeps the process alive.
 */
export async function startMetricsListener(port: number, host: string): Promise<MetricsListener> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      void writeMetrics(res);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found: GET /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => { resolve(); })),
  };
}

export interface RetryOptions {
  /** Pause between attempts. */
  everyMs: number;
  /** Attempts in all, the first included. */
  attempts: number;
  /** Told of each failed attempt, with whether another follows. */
  onFailure?: (error: unknown, retrying: boolean) => void;
}

/**
 * startMetricsListener, tried again while the port is taken: a port is often held only a moment —
 * by the process this one replaces, still closing, or by another program probing for a free port —
 * and a process that gave up at its first try would go unscraped for its whole life. Resolves with
 * the listener, or undefined once the attempts are spent; the process serves meanwhile either way.
 */
export async function startMetricsListenerRetrying(port: number, host: string, o: RetryOptions): Promise<MetricsListener | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startMetricsListener(port, host);
    } catch (error) {
      const retrying = attempt < o.attempts && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      o.onFailure?.(error, retrying);
      if (!retrying) return undefined;
      await new Promise((resolve) => setTimeout(resolve, o.everyMs).unref());
    }
  }
}
