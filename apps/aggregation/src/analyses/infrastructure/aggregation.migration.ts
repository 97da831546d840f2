import type { Knex } from '@mikro-orm/knex';
import { SchemaMigration } from '@phdmf/persistence';

// The projection of ledger records the service kept until the gate asked the ledger itself
// (Migration20261206190000DropProjection): created by the first migration as it always was, so that
// an existing database and a new one pass through the same schemas.
const PROJECTION_TABLES = ['aggregation_access_requests', 'aggregation_members', 'aggregation_datasets'];

function createProjection(schema: Knex.SchemaBuilder): Knex.SchemaBuilder {
  return schema
    .createTable('aggregation_datasets', (t) => {
      t.string('dataset_id', 128).notNullable();
      t.primary(['dataset_id']);
      t.integer('version').notNullable();
      t.string('sha256', 64).notNullable();
      t.string('owner_member_id', 128).notNullable();
      t.string('status', 16).notNullable();
      t.string('updated_at', 40).notNullable();
      t.string('tx_id', 128).notNullable();
    })
    .createTable('aggregation_members', (t) => {
      t.string('member_id', 128).notNullable();
      t.primary(['member_id']);
      t.string('msp_id', 128).notNullable();
      t.string('status', 16).notNullable();
      t.string('node_id', 64).nullable();
      t.text('node_public_key').nullable();
      t.string('updated_at', 40).notNullable();
      t.string('tx_id', 128).notNullable();
    })
    .createTable('aggregation_access_requests', (t) => {
      t.string('request_id', 128).notNullable();
      t.primary(['request_id']);
      t.string('dataset_id', 128).notNullable();
      t.string('requester', 128).notNullable();
      t.string('status', 16).notNullable();
      t.text('grant_columns').nullable();
      t.text('grant_statistics').nullable();
      t.string('expires_at', 40).nullable();
      t.string('updated_at', 40).notNullable();
      t.string('tx_id', 128).notNullable();
      t.index(['dataset_id', 'requester'], 'aggregation_access_requests_dataset_requester_index');
    });
}

function dropProjection(schema: Knex.SchemaBuilder): Knex.SchemaBuilder {
  return PROJECTION_TABLES.reduce((s, table) => s.dropTable(table), schema);
}

/** The aggregation service's first tables: the projection (dropped by the next migration) and the analyses. SQLite and PostgreSQL alike. */
export class Migration20261125090000Aggregation extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      createProjection(schema)
        .createTable('aggregation_analyses', (t) => {
          t.string('analysis_id', 128).notNullable();
          t.primary(['analysis_id']);
          t.string('requester', 128).notNullable();
          t.string('status', 16).notNullable();
          t.datetime('created_at').notNullable();
          t.string('result_hash', 64).notNullable();
          t.string('tx_id', 128).notNullable();
          t.integer('block_number').notNullable();
          t.text('result_json').notNullable();
          t.index(['requester', 'created_at'], 'aggregation_analyses_requester_created_at_index');
        }),
    );
  }

  override down(): void {
    this.schema((schema) =>
      dropProjection(schema.dropTable('aggregation_analyses')),
    );
  }
}

/** The gate asks the ledger (access check, dataset, member) instead of a projection of its events: the projection's tables go. */
export class Migration20261206190000DropProjection extends SchemaMigration {
  override up(): void {
    this.schema(dropProjection);
  }

  override down(): void {
    this.schema(createProjection);
  }
}

export const AGGREGATION_MIGRATIONS = [
  { name: 'Migration20261125090000Aggregation', class: Migration20261125090000Aggregation },
  { name: 'Migration20261206190000DropProjection', class: Migration20261206190000DropProjection },
];
