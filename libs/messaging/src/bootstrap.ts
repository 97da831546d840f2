import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, type Logger } from '@phdmf/logging';
import { httpObservability, writeMetrics } from '@phdmf/observability';
import { NatsRpcServer } from './rpc/nats-rpc.server';

export interface StartOptions {
  logger: Logger;
  /**
   * Listen for HTTP too (the REST edge, a site's local API); other services only speak NATS.
   * `bodyParser: false` leaves request bodies unread for the handlers to stream (a site's uploads).
   * `metrics: true` serves `GET /metrics` on this port too (a site's local API is internal; the
   * edge's port is public, so its metrics go to the METRICS_PORT listener only).
   */
  http?: { port: number; host: string; bodyParser?: boolean; metrics?: boolean };
  /** Adjust the HTTP application (middleware, pipes) before it listens. */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/**
 * Starts a service: builds the Nest application, attaches the NATS transport from its own DI
 * container (so it shares the one connection), and stops cleanly on SIGTERM/SIGINT. If a start-up
 * hook fails (a bad key, a database it cannot read), what already started is stopped again before
 * the error is thrown: the NATS transport listens before the hooks run, and a half-started service
 * must not go on answering requests.
 */
export async function startService(appModule: Type | DynamicModule, options: StartOptions): Promise<INestApplication> {
  const app = await NestFactory.create(appModule, { logger: new PinoNestLogger(options.logger), abortOnError: false, bodyParser: options.http?.bodyParser ?? true });
  try {
    app.connectMicroservice({ strategy: app.get(NatsRpcServer) }, { inheritAppConfig: false });
    app.enableShutdownHooks();
    if (options.http) observeHttp(app, options.http.metrics === true);
    await options.configure?.(app);
    await app.startAllMicroservices();
    if (options.http) await app.listen(options.http.port, options.http.host);
    else await app.init();
    return app;
  } catch (error) {
    await app.close().catch((closeError: unknown) => {
      options.logger.warn({ err: closeError }, 'stopping the half-started service failed too');
    });
    throw error;
  }
}

/** HTTP latency per route and the request's server span; and `/metrics` when the port may serve it. */
function observeHttp(app: INestApplication, serveMetrics: boolean): void {
  app.use(httpObservability);
  if (serveMetrics) {
    app.use('/metrics', (req: { method: string }, res: Parameters<typeof writeMetrics>[0], next: () => void) => {
      if (req.method === 'GET') void writeMetrics(res);
      else next();
    });
  }
}
