import { SchemaMigration } from '@phdmf/persistence';

/** Creates the ledger service's own table: the chain-event checkpoint. SQLite and PostgreSQL alike. */
export class Migration20261124000000LedgerEventCheckpoints extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      schema.createTable('ledger_event_checkpoints', (t) => {
        t.string('name', 64).notNullable();
        t.primary(['name']);
        t.integer('block_number').notNullable();
        t.string('tx_id', 128).nullable();
        t.datetime('updated_at').notNullable();
      }),
    );
  }

  override down(): void {
    this.schema((schema) => schema.dropTable('ledger_event_checkpoints'));
  }
}

export const LEDGER_MIGRATIONS = [{ name: 'Migration20261124000000LedgerEventCheckpoints', class: Migration20261124000000LedgerEventCheckpoints }];
