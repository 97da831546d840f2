import { Migration } from '@mikro-orm/migrations';
import type { Knex } from '@mikro-orm/knex';

/**
 * A migration written with Knex's schema builder instead of raw SQL, so that one migration serves
 * SQLite (one machine, one site) and PostgreSQL (production) alike. Each statement the builder
 * produces is added on its own: SQLite drivers run one statement per call.
 */
export abstract class SchemaMigration extends Migration {
  protected schema(build: (schema: Knex.SchemaBuilder) => Knex.SchemaBuilder): void {
    const statements = build(this.getKnex().schema).toSQL();
    for (const statement of statements) {
      if (statement.bindings.length > 0) {
        throw new Error(`Schema statement with bindings is not supported in migrations: ${statement.sql}`);
      }
      this.addSql(statement.sql);
    }
  }
}
