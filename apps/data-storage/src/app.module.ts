import { readFileSync } from 'node:fs';
import type { DynamicModule } from '@nestjs/common';
import { StaticJwksSource, type JwksSource } from '@phdmf/auth';
import { ConfigError } from '@phdmf/config';
import type { Logger } from '@phdmf/logging';
import { coreModules } from '@phdmf/messaging';
import type { DataStorageConfig } from './config';
import { DatasetsModule } from './datasets/datasets.module';
import { NodeSigner } from './datasets/infrastructure/signing/node-signer';
import { DATA_STORAGE_PERSISTENCE } from './persistence';
import type { StorageSettings } from './storage.settings';

export interface AppModuleOverrides {
  /** The accounts JWKS source; by default a pinned file (ACCOUNTS_JWKS_FILE) or the accounts service over NATS. */
  jwks?: JwksSource;
}

export function storageSettingsOf(config: DataStorageConfig): StorageSettings {
  return {
    nodeId: config.NODE_ID,
    organisationId: config.ORGANISATION_ID,
    storageDir: config.storageDir,
    uploadMaxBytes: config.UPLOAD_MAX_BYTES,
    uploadDirectIo: config.UPLOAD_DIRECT_IO === 'true',
    ledgerCommandTimeoutMs: config.LEDGER_COMMAND_TIMEOUT_MS,
    ledgerRetry: { minMs: config.LEDGER_RETRY_MIN_MS, maxMs: Math.max(config.LEDGER_RETRY_MIN_MS, config.LEDGER_RETRY_MAX_MS) },
    auditIntervalMinutes: config.AUDIT_INTERVAL_MINUTES,
    disclosure: config.disclosurePolicy,
    duckdb: { threads: config.DUCKDB_THREADS, memoryLimit: config.DUCKDB_MEMORY_LIMIT },
    summaryConcurrency: config.SUMMARY_CONCURRENCY,
    summaryQueueSize: config.SUMMARY_QUEUE_SIZE,
    modelSessions: { max: config.MODEL_SESSIONS_MAX, idleSeconds: config.MODEL_SESSION_IDLE_SECONDS },
  };
}

/** An injected source, else a pinned JWKS file, else (undefined) the accounts service's keys over NATS. */
function jwksOf(config: DataStorageConfig, overrides: AppModuleOverrides): JwksSource | undefined {
  if (overrides.jwks) return overrides.jwks;
  if (config.ACCOUNTS_JWKS_FILE === undefined) return undefined;
  try {
    return new StaticJwksSource(JSON.parse(readFileSync(config.ACCOUNTS_JWKS_FILE, 'utf8')) as ConstructorParameters<typeof StaticJwksSource>[0]);
  } catch {
    throw new ConfigError([`ACCOUNTS_JWKS_FILE: ${config.ACCOUNTS_JWKS_FILE} is not a readable JWKS (JSON with "keys")`]);
  }
}

export class AppModule {
  static forRoot(config: DataStorageConfig, logger: Logger, overrides: AppModuleOverrides = {}): DynamicModule {
    const jwks = jwksOf(config, overrides);
    return {
      module: AppModule,
      imports: [
        ...(coreModules({ service: 'data-storage', config, logger, persistence: DATA_STORAGE_PERSISTENCE, events: { consume: false }, healthQuery: false }) ?? []),
        DatasetsModule.forRoot({
          settings: storageSettingsOf(config),
          logger,
          signer: NodeSigner.fromFile(config.NODE_PRIVATE_KEY_FILE),
          ...(jwks ? { jwks } : {}),
          token: { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
        }),
      ],
    };
  }
}
