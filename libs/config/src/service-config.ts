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

  /** Deadline of every request this service sends, unless a call sets its own. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(600_000)
  NATS_REQUEST_TIMEOUT_MS = 5_000;

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
}
