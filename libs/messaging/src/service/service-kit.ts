import type { DynamicModule, INestApplication } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { ConfigError, type ServiceConfig } from '@phdmf/config';
import type { ServiceName } from '@phdmf/contracts';
import { createLogger, type Logger } from '@phdmf/logging';
import { collectProcessMetrics, initTracing, shutdownTracing, startMetricsListenerRetrying } from '@phdmf/observability';
import { createOrmOptions, DatabaseHealthIndicator, migrate, type PersistenceSettings } from '@phdmf/persistence';
import { startService, type StartOptions } from '../bootstrap';
import { NatsUnreachableError } from '../lib/connection';
import { MessagingModule, type MessagingModuleOptions } from '../messaging.module';

export const SOFTWARE_VERSION = process.env.npm_package_version ?? '0.1.0';

export interface CoreModulesOptions {
  service: ServiceName;
  config: ServiceConfig;
  logger: Logger;
  /** Present for services that own a database; its tables include the messaging tables. */
  persistence?: Omit<PersistenceSettings, 'service' | 'dataDir' | 'databaseUrl'>;
  events?: MessagingModuleOptions['events'];
  healthQuery?: MessagingModuleOptions['healthQuery'];
}

/**
 * The modules every PHDMF service is built on: CQRS, its own database (if it owns one) and the
 * messaging layer, configured from the service's validated config.
 */
export function coreModules(o: CoreModulesOptions): DynamicModule['imports'] {
  const hasDatabase = o.persistence !== undefined;
  return [
    CqrsModule.forRoot(),
    ...(o.persistence ? [MikroOrmModule.forRoot(createOrmOptions(persistenceSettingsOf(o.service, o.config, o.persistence, o.logger)))] : []),
    MessagingModule.forRoot({
      service: o.service,
      version: SOFTWARE_VERSION,
      servers: o.config.NATS_URL.split(','),
      ...(o.config.NATS_CREDS_FILE ? { credsFile: o.config.NATS_CREDS_FILE } : {}),
      ...(o.config.NATS_NKEY_SEED_FILE ? { nkeySeedFile: o.config.NATS_NKEY_SEED_FILE } : {}),
      inboxPrefix: o.config.NATS_INBOX_PREFIX,
      requestTimeoutMs: o.config.NATS_REQUEST_TIMEOUT_MS,
      startTimeoutMs: o.config.SERVICE_START_TIMEOUT_MS,
      logger: o.logger,
      ...(hasDatabase ? { events: o.events ?? { consume: true }, outbox: { relay: true } } : {}),
      healthIndicators: hasDatabase ? [DatabaseHealthIndicator] : [],
      ...(o.healthQuery === false ? { healthQuery: false } : {}),
    }),
  ];
}

export function persistenceSettingsOf(
  service: ServiceName,
  config: ServiceConfig,
  persistence: NonNullable<CoreModulesOptions['persistence']>,
  logger?: Logger,
): PersistenceSettings {
  return {
    service,
    dataDir: config.PHDMF_DATA_DIR,
    databaseUrl: config.DATABASE_URL,
    ...persistence,
    ...(logger ? { logger: (message: string) => { logger.debug({ orm: true }, message); } } : {}),
  };
}

export interface RunOptions<C extends ServiceConfig> {
  service: ServiceName;
  loadConfig: () => C;
  module: (config: C, logger: Logger) => DynamicModule;
  http?: (config: C) => StartOptions['http'];
  configure?: StartOptions['configure'];
}

/**
 * The body of every service's main.ts: validate configuration (a bad value stops the process with
 * a message naming the variable), start, and make an unexpected error fatal rather than ignored.
 */
export async function runService<C extends ServiceConfig>(o: RunOptions<C>): Promise<INestApplication | undefined> {
  const config = loadConfigOrExit(o.service, o.loadConfig);
  const logger = createLogger({ service: o.service, level: config.LOG_LEVEL });
  exitOnUnexpectedErrors(logger);
  collectProcessMetrics(o.service);
  // Before Nest starts, so the first request is traced like every other.
  const tracing = initTracing({
    service: o.service,
    version: SOFTWARE_VERSION,
    trustIncoming: config.OTEL_TRUST_INCOMING_TRACEPARENT === 'true',
    ...(config.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
  });
  // Spans still batched when the service is stopped go out while Nest's own shutdown hooks run (best
  // effort: Nest ends the process once they are done). `once`, so Nest's re-raised signal still ends it.
  // The last export fails when the collector is gone (ECONNREFUSED): that must not turn a clean stop
  // into an unhandled rejection (exit 70).
  if (tracing) for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdownTracing().catch(() => undefined));
  let app: INestApplication;
  try {
    app = await startService(o.module(config, logger), {
      logger,
      ...(o.http ? { http: o.http(config) } : {}),
      ...(o.configure ? { configure: o.configure } : {}),
    });
  } catch (error) {
    if (!(error instanceof NatsUnreachableError)) throw error;
    // Not a bug (exit 70): the bus was not there in time. The orchestrator restarts the service.
    logger.fatal({ servers: error.servers, attempts: error.attempts, startTimeoutMs: error.startTimeoutMs, err: error.lastError }, `${error.message}; exiting`);
    logger.flush();
    process.exit(EXIT_UNAVAILABLE);
  }
  logger.info({ version: SOFTWARE_VERSION, tracing }, `${o.service} started`);
  // A port that is taken costs the metrics, not the service, and is tried again for a minute in the
  // background (it is often held only a moment); after that the scrape's `up == 0` alert says so.
  if (config.METRICS_PORT !== undefined) {
    const port = config.METRICS_PORT;
    void startMetricsListenerRetrying(port, config.METRICS_HOST, {
      everyMs: METRICS_RETRY_MS,
      attempts: METRICS_ATTEMPTS,
      onFailure: (error, retrying) => {
        if (retrying) logger.warn({ err: error, port }, `metrics port taken; trying again every ${METRICS_RETRY_MS / 1000} s`);
        else logger.error({ err: error, port }, 'metrics listener not started; serving without /metrics');
      },
    }).then((metrics) => {
      if (metrics) logger.info({ metrics: metrics.url }, 'serving /metrics');
    });
  }
  return app;
}

/** EX_UNAVAILABLE (sysexits.h): a service it needs (NATS) was not reachable within SERVICE_START_TIMEOUT_MS. */
export const EXIT_UNAVAILABLE = 69;
const METRICS_RETRY_MS = 2_000;
const METRICS_ATTEMPTS = 30;

/** Loads the configuration, or stops the process with a message naming each bad variable. */
function loadConfigOrExit<C>(service: ServiceName, load: () => C): C {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/** The body of every service's migrate.ts: the explicit migration step, never run at start-up. */
export async function runMigrations(
  service: ServiceName,
  loadConfig: () => ServiceConfig,
  persistence: NonNullable<CoreModulesOptions['persistence']>,
): Promise<void> {
  const config = loadConfigOrExit(service, loadConfig);
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  const report = await migrate(persistenceSettingsOf(service, config, persistence));
  logger.info({ dialect: report.dialect, applied: report.applied }, report.applied.length > 0 ? `applied ${report.applied.length} migration(s)` : 'schema up to date');
  logger.flush();
}

/**
 * Some libraries (fabric-contract-api, for one) install handlers that keep a process alive after
 * an uncaught exception. A service in an unknown state must stop and be restarted instead.
 */
export function exitOnUnexpectedErrors(logger: Logger): void {
  const die = (kind: string) => (error: unknown) => {
    logger.fatal({ err: error }, `${kind}; exiting`);
    logger.flush();
    process.exit(70); // EX_SOFTWARE
  };
  process.removeAllListeners('uncaughtException');
  process.removeAllListeners('unhandledRejection');
  process.on('uncaughtException', die('uncaught exception'));
  process.on('unhandledRejection', die('unhandled promise rejection'));
}
