import 'reflect-metadata';
import type { Server } from 'node:http';
import helmet from 'helmet';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { runService } from '@phdmf/messaging';
import { AppModule } from './app.module';
import { loadDataStorageConfig } from './config';

/** A large upload on a slow link may take long; Node's default (5 minutes) would cut it off. */
const REQUEST_TIMEOUT_MS = 60 * 60_000;

void runService({
  service: 'data-storage',
  loadConfig: () => loadDataStorageConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger),
  // The local API for the institution's own users: its own HTTP listener at the site.
  http: (config) => ({ port: config.HTTP_PORT, host: config.HTTP_HOST }),
  configure: (app) => {
    const express = app as NestExpressApplication;
    express.disable('x-powered-by');
    express.use(helmet());
    const server: Server = express.getHttpServer();
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    // Headers must still arrive promptly: a slow-headers client does not hold a socket for an hour.
    server.headersTimeout = 30_000;
  },
});
