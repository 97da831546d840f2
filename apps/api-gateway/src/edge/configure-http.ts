import type { INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import helmet from 'helmet';
import type { Logger } from '@phdmf/logging';
import { NATS_CONNECTION, SOFTWARE_VERSION, answerClientErrorsAsJson } from '@phdmf/messaging';
import type { NatsConnection } from 'nats';
import { EDGE_CONTROLLERS } from '../app.module';
import { FEED_SCHEMAS } from '../events/openapi';
import { JwtAuthGuard, RolesGuard } from '../auth/guards';
import type { ApiGatewayConfig } from '../config';
import { consoleMiddleware } from './console';
import { EdgeExceptionFilter, type ErrorBody } from './edge-exception.filter';
import { EdgeThrottlerGuard } from './edge-throttler.guard';
import { IdempotencyInterceptor } from './idempotency';
import { documentErrors } from './openapi-errors';
import { documentRateLimitHeaders, RATE_LIMIT_HEADERS } from './rate-limit-headers';
import { ErrorResponse } from './openapi-schemas';
import { refuseDeepJson } from './request-body';
import { requestIdMiddleware } from './request-id';
import { edgeValidationPipe } from './validation';

export const API_PREFIX = 'api/v1';

/**
 * Everything HTTP about the edge, in the order requests meet it: request id, security headers,
 * CORS, body limits, rate limits, authentication, roles, Idempotency-Key, validation; and one error filter.
 * main.ts and the tests both call this, so what is tested is what runs.
 */
export function configureHttp(app: INestApplication, config: ApiGatewayConfig, logger: Logger): void {
  const express = app as NestExpressApplication;
  express.set('trust proxy', config.trustProxy);
  express.disable('x-powered-by');
  express.use(requestIdMiddleware);
  express.use(
    helmet({
      // The docs page (Swagger UI) loads its own scripts and styles from this origin only.
      contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"] } },
      crossOriginResourcePolicy: { policy: 'same-origin' },
    }),
  );
  express.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'Idempotency-Key', 'Last-Event-ID'],
    exposedHeaders: ['X-Request-Id', ...RATE_LIMIT_HEADERS],
    credentials: false,
    maxAge: 600,
  });
  if (config.CONSOLE_DIR !== '') {
    const console = consoleMiddleware(config.CONSOLE_DIR, config.consoleConnectOrigins);
    if (console) express.use(console);
    else logger.warn({ dir: config.CONSOLE_DIR }, 'CONSOLE_DIR holds no built console (index.html): the console is not served; run npm run build');
  }
  answerClientErrorsAsJson(express.getHttpServer());
  // Registered before Nest's defaults, which then stand aside: JSON only, strictly bounded in size
  // and depth (Nest's type omits `verify`, which it uses for raw bodies; the edge keeps none).
  const json = { limit: config.HTTP_BODY_LIMIT_BYTES, strict: true, verify: refuseDeepJson };
  express.useBodyParser('json', json);
  express.useBodyParser('urlencoded', { limit: 1_024, extended: false });
  setEdgePrefix(express);
  express.useGlobalFilters(new EdgeExceptionFilter(logger));
  express.useGlobalGuards(app.get(EdgeThrottlerGuard), app.get(JwtAuthGuard), app.get(RolesGuard));
  express.useGlobalPipes(edgeValidationPipe());
  // Around the handler and its validation: a retried Idempotency-Key call gets its first answer.
  express.useGlobalInterceptors(new IdempotencyInterceptor(app.get(Reflector), app.get<NatsConnection>(NATS_CONNECTION), config, logger));
  if (config.OPENAPI_ENABLED === 'true') setUpOpenApi(app);
}

function setUpOpenApi(app: INestApplication): void {
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, edgeOpenApiDocument(app), { jsonDocumentUrl: `${API_PREFIX}/openapi.json`, yamlDocumentUrl: `${API_PREFIX}/openapi.yaml` });
}

/** The edge's paths under /api/v1, the orchestrators' probes at the root. */
export function setEdgePrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'ready'] });
}

/**
 * The edge's OpenAPI document, built from the controllers' metadata of `app` (whose prefix is set).
 * The served document and the typed client's generator (libs/client/scripts) both call this.
 */
export function edgeOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('PHDMF REST API')
      .setDescription(
        'The edge of the PHDMF consortium platform. Every error answers `{ error: { code, message, details?, requestId } }` with a stable code; ' +
          'each operation lists the codes it can answer under their HTTP status (the api-gateway README has the whole code → status table).',
      )
      .setVersion(SOFTWARE_VERSION)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
    { extraModels: [ErrorResponse] },
  );
  documentErrors(document, EDGE_CONTROLLERS);
  documentRateLimitHeaders(document);
  // The event feed's payloads: referenced from its text/event-stream answer, not from any JSON answer.
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...FEED_SCHEMAS } };
  return document;
}

export type { ErrorBody };
