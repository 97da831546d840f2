import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { answerClientErrorsAsJson, type StartOptions } from '@phdmf/messaging';
import type { DataStorageConfig } from './config';
import { HttpErrorFilter } from './datasets/infrastructure/http/http-error.filter';
import { setUpSiteOpenApi } from './datasets/infrastructure/http/openapi';

/** A large upload on a slow link may take long; Node's default (5 minutes) would cut it off. */
const REQUEST_TIMEOUT_MS = 60 * 60_000;

/**
 * The local API's listener. No body parser: an upload is the request body itself, streamed to disk
 * by its handler, whatever Content-Type it claims (a JSON one is refused there with a 415, not
 * parsed and echoed back by a framework).
 */
export function siteHttpOptions(config: DataStorageConfig): NonNullable<StartOptions['http']> {
  return { port: config.HTTP_PORT, host: config.HTTP_HOST, bodyParser: false, metrics: true };
}

/**
 * Everything HTTP about a site's local API. main.ts and the tests both call it, so what is tested
 * is what runs: every answer that is an error, from a handler, a guard, an unknown route or Node's
 * own parser (431, 400), is `{ error: { code, message, details? } }`. Its OpenAPI document is served at
 * `/openapi.json` (browsable at `/docs`).
 */
export function configureSiteHttp(app: INestApplication, corsOrigins: readonly string[] = []): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  // The docs page (Swagger UI) loads its own scripts and styles from this origin only.
  express.use(helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"] } } }));
  // The web console uploads from the browser straight to this site (CORS_ORIGINS); bearer tokens only,
  // no cookies (credentials: false).
  express.enableCors({
    origin: corsOrigins.length > 0 ? [...corsOrigins] : false,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    credentials: false,
    maxAge: 600,
  });
  express.useGlobalFilters(app.get(HttpErrorFilter));
  const server: Server = express.getHttpServer();
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  // Headers must still arrive promptly: a slow-headers client does not hold a socket for an hour.
  server.headersTimeout = 30_000;
  answerClientErrorsAsJson(server);
  setUpSiteOpenApi(app);
}
