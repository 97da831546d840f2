import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import * as path from 'node:path';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * What every PHDMF service needs. NATS_URL has no default on purpose: a service that quietly
 * connects to localhost in production is worse than one that refuses to start.
 */
export class ServiceConfig {
  /** Comma-separated NATS server URLs, e.g. nats://127.0.0.1:4222. */
  @Matches(/^(nats|tls):\/\/[^\s,]+(,(nats|tls):\/\/[^\s,]+)*$/, { message: 'must be one or more nats:// or tls:// URLs, comma-separated' })
  NATS_URL!: string;

  /** A NATS credentials file (JWT + NKey seed) for this service's own account. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  NATS_CREDS_FILE?: string;

  /**
   * A file holding this service's NATS NKey seed (`SU…`): its user in the server's own authorization
   * block, with the subjects it may use (`npm start` writes both; infra/nats/permissions.mjs).
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  NATS_NKEY_SEED_FILE?: string;

  /**
   * Where replies to this service's requests arrive. With per-service NATS permissions each identity
   * may subscribe only to its own prefix (`_INBOX_<identity>`), so no one reads another's replies.
   */
  @Matches(/^_INBOX(_[A-Za-z0-9-]+)?$/, { message: 'must be _INBOX or _INBOX_<identity>' })
  NATS_INBOX_PREFIX = '_INBOX';

  /** Deadline of every request this service sends, unless a call sets its own. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(600_000)
  NATS_REQUEST_TIMEOUT_MS = 5_000;

  /**
   * How long a service may take to start: its first NATS connection is tried again (with a growing
   * wait, each attempt logged) until then, and then it exits 69 (EX_UNAVAILABLE) saying so. `npm start`
   * (infra/local/up.mjs) waits as long for every process to be healthy.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(3_600_000)
  SERVICE_START_TIMEOUT_MS = 90_000;

  /** Where SQLite files and other local state live; defaults inside the repository (git-ignored). */
  @IsString()
  @MinLength(1)
  PHDMF_DATA_DIR = path.resolve(process.cwd(), '.data');

  /** PostgreSQL connection string; when absent the service uses its own SQLite file. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /**
   * Port of this process' own `/metrics` listener (Prometheus); none when unset. The edge serves its
   * metrics only here, never on its public HTTP port (libs/observability).
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65_535)
  METRICS_PORT?: number;

  /** Address the metrics listener binds: loopback by default, the pod's (0.0.0.0) on Kubernetes. */
  @IsString()
  @MinLength(1)
  METRICS_HOST = '127.0.0.1';

  /** OTLP/HTTP collector (e.g. http://127.0.0.1:4318): traces are exported there; tracing is off when unset. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /**
   * `true` lets a request entering over HTTP (the edge, a site's local API) continue its caller's
   * `traceparent`, sampled flag included. Off by default: anyone on the internet could otherwise have
   * every one of their requests traced; untrusted, a caller's sampled trace is only linked from a new root.
   * Turn it on only behind a proxy that strips or sets the header itself.
   */
  @IsIn(['true', 'false'])
  OTEL_TRUST_INCOMING_TRACEPARENT: 'true' | 'false' = 'false';

  /**
   * `production` (the container image sets it) makes a service refuse settings that are fit only for
   * a developer's machine, such as token-signing keys stored in plain; anything else is not production.
   */
  @IsOptional()
  @IsString()
  NODE_ENV?: string;
}

/** Whether the service runs with production configuration (NODE_ENV=production, as the container image sets). */
export function isProduction(config: Pick<ServiceConfig, 'NODE_ENV'>): boolean {
  return config.NODE_ENV === 'production';
}
