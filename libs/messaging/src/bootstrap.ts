import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, type Logger } from '@phdmf/logging';
import { NatsRpcServer } from './rpc/nats-rpc.server';

export interface StartOptions {
  logger: Logger;
  /** Listen for HTTP too (the REST edge); other services only speak NATS. */
  http?: { port: number; host: string };
  /** Adjust the HTTP application (middleware, pipes) before it listens. */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/**
 * Starts a service: builds the Nest application, attaches the NATS transport from its own DI
 * container (so it shares the one connection), and stops cleanly on SIGTERM/SIGINT.
 */
export async function startService(appModule: Type | DynamicModule, options: StartOptions): Promise<INestApplication> {
  const app = await NestFactory.create(appModule, { logger: new PinoNestLogger(options.logger), abortOnError: false });
  app.connectMicroservice({ strategy: app.get(NatsRpcServer) }, { inheritAppConfig: false });
  app.enableShutdownHooks();
  await options.configure?.(app);
  await app.startAllMicroservices();
  if (options.http) await app.listen(options.http.port, options.http.host);
  else await app.init();
  return app;
}
