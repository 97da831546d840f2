import { SchemaMigration } from '@phdmf/persistence';

/** The site's owed ledger writes (`storage_ledger_intents`), one SQL for SQLite and PostgreSQL. */
export class Migration20261206170000StorageLedgerIntents extends SchemaMigration {
  override up(): void {
    this.schema((s) =>
      s.createTable('storage_ledger_intents', (t) => {
        t.increments('id').primary();
        t.string('kind', 32).notNullable();
        t.string('dataset_id', 128).notNullable();
        t.integer('version').notNullable();
        t.text('payload_json').notNullable();
        t.text('actor_json').notNullable();
        t.datetime('created_at').notNullable();
        t.integer('attempts').notNullable();
        t.datetime('next_attempt_at').notNullable();
        t.string('last_error_code', 64).nullable();
        t.text('last_error').nullable();
        t.datetime('done_at').nullable();
        t.string('outcome', 16).nullable();
        t.index(['done_at', 'dataset_id'], 'storage_ledger_intents_open_index');
      }),
    );
  }
}
