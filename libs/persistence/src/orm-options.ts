import * as path from 'node:path';
import type { EntityClass, EntitySchema, MigrationObject, Options } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ensurePrivateDir, ensurePrivateFile } from '@phdmf/config';

export interface PersistenceSettings {
  /** The owning service; names its SQLite file or its PostgreSQL schema. */
  service: string;
  /** Directory of the SQLite file (ignored when databaseUrl is set). */
  dataDir: string;
  /** A postgres:// URL selects PostgreSQL; otherwise the service gets its own SQLite file. */
  databaseUrl?: string | undefined;
  /** PostgreSQL schema; defaults to `phdmf_<service>` (tests give each run its own). */
  schema?: string;
  entities: (EntityClass<object> | EntitySchema)[];
  /** Explicit migrations, oldest first; they run only when asked to (the `migrate` target). */
  migrations: MigrationObject[];
  debug?: boolean;
  /** Where MikroORM's own messages (migrator progress) go; silent when absent. */
  logger?: (message: string) => void;
}

export type Dialect = 'sqlite' | 'postgresql';

export function dialectOf(settings: Pick<PersistenceSettings, 'databaseUrl'>): Dialect {
  return settings.databaseUrl ? 'postgresql' : 'sqlite';
}

/** PostgreSQL schema of a service: each service owns its tables, even when sharing a server. */
export function schemaNameOf(settings: Pick<PersistenceSettings, 'service' | 'schema'>): string {
  const schema = settings.schema ?? `phdmf_${settings.service.replace(/[^a-z0-9]/g, '_')}`;
  // It is spliced into the search path and DDL, so it must be a plain identifier.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid PostgreSQL schema name "${schema}"`);
  return schema;
}

export function sqliteFileOf(settings: Pick<PersistenceSettings, 'service' | 'dataDir'>): string {
  return path.join(settings.dataDir, `${settings.service}.sqlite3`);
}

/**
 * The MikroORM options of one service. SQLite runs in WAL mode so readers do not wait for the
 * writer; PostgreSQL confines the service to its own schema through the search path, so that
 * migrations and queries never touch another service's tables.
 */
export function createOrmOptions(settings: PersistenceSettings): Options {
  const common = {
    entities: settings.entities,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: {
      migrationsList: settings.migrations,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      tableName: 'mikro_orm_migrations',
    },
    // Every unit of work forks its own EntityManager; a shared global context would mix requests.
    allowGlobalContext: false,
    debug: settings.debug ?? false,
    logger: settings.logger ?? (() => undefined),
    ensureDatabase: false,
  } satisfies Options;

  if (settings.databaseUrl) {
    const schema = schemaNameOf(settings);
    return {
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: settings.databaseUrl,
      schema,
      driverOptions: { connection: { options: `-c search_path=${schema}` } },
      pool: { min: 0, max: 10 },
    };
  }

  ensurePrivateDir(settings.dataDir);
  ensurePrivateFile(sqliteFileOf(settings));
  return {
    ...common,
    driver: BetterSqliteDriver,
    dbName: sqliteFileOf(settings),
    pool: {
      afterCreate: (conn: { pragma: (sql: string) => unknown }, done: (err: Error | null, conn: unknown) => void) => {
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
        done(null, conn);
      },
    },
  };
}
