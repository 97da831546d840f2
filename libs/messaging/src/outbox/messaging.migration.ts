import { SchemaMigration } from '@phdmf/persistence';

/**
 * Creates the messaging tables (outbox and processed events). Written with Knex's schema builder
 * so that one migration serves SQLite and PostgreSQL alike.
 */
export class Migration20261123000000Messaging extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      schema
        .createTable('messaging_outbox', (t) => {
          t.increments('seq').primary();
          t.string('event_id', 128).notNullable().unique();
          t.string('subject', 255).notNullable();
          t.text('payload').notNullable();
          t.text('headers').notNullable();
          t.datetime('created_at').notNullable();
          t.datetime('published_at').nullable().index();
          t.integer('attempts').notNullable();
          t.text('last_error').nullable();
        })
        .createTable('messaging_processed_events', (t) => {
          t.string('consumer', 64).notNullable();
          t.string('event_id', 128).notNullable();
          t.string('subject', 255).notNullable();
          t.datetime('processed_at').notNullable();
          t.primary(['consumer', 'event_id']);
        }),
    );
  }

  override down(): void {
    this.schema((schema) => schema.dropTable('messaging_processed_events').dropTable('messaging_outbox'));
  }
}

export const MESSAGING_MIGRATIONS = [{ name: 'Migration20261123000000Messaging', class: Migration20261123000000Messaging }];
