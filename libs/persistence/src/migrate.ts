import { MikroORM, type Options } from '@mikro-orm/core';
import { dialectOf, createOrmOptions, schemaNameOf, type PersistenceSettings } from './orm-options';

export interface MigrationReport {
  service: string;
  dialect: string;
  applied: string[];
}

/**
 * Applies a service's pending migrations. This runs only from the explicit `migrate` target (and
 * the one-machine start command, which calls that target), never implicitly at service start-up.
 */
export async function migrate(settings: PersistenceSettings): Promise<MigrationReport> {
  const options = createOrmOptions(settings);
  if (dialectOf(settings) === 'postgresql') await ensurePostgresSchema(options, schemaNameOf(settings));
  const orm = await MikroORM.init(options);
  try {
    const applied = await orm.migrator.up();
    return { service: settings.service, dialect: dialectOf(settings), applied: applied.map((m) => m.name) };
  } finally {
    await orm.close(true);
  }
}

/**
 * Lists the SQL that would bring the service's own tables in line with its entities: empty when
 * in sync. On PostgreSQL only the service's schema is compared (other services' schemas on the
 * same server are theirs, not drift).
 */
export async function pendingSchemaDiff(settings: PersistenceSettings): Promise<string> {
  const orm = await MikroORM.init(createOrmOptions(settings));
  try {
    const schema = dialectOf(settings) === 'postgresql' ? schemaNameOf(settings) : undefined;
    return await orm.schema.getUpdateSchemaSQL({ wrap: false, ...(schema ? { schema } : {}) });
  } finally {
    await orm.close(true);
  }
}

async function ensurePostgresSchema(options: Options, schema: string): Promise<void> {
  // The search path points at the schema, which must exist before the migrator looks for its table.
  const orm = await MikroORM.init({ ...options, driverOptions: {}, schema: 'public', migrations: {} });
  try {
    await orm.em.getConnection().execute(`create schema if not exists "${schema}"`);
  } finally {
    await orm.close(true);
  }
}
