import { SchemaMigration } from '@phdmf/persistence';

/** The authorization service's projection of the ledger: datasets and their columns, members, access requests. SQLite and PostgreSQL alike. */
export class Migration20261124120000Authorization extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      schema
        .createTable('authz_datasets', (t) => {
          t.string('dataset_id', 128).notNullable();
          t.primary(['dataset_id']);
          t.string('name', 200).nullable();
          t.string('file_name', 255).notNullable();
          t.text('description').notNullable();
          t.string('owner_member_id', 128).notNullable().index('authz_datasets_owner_member_id_index');
          t.string('owner_msp_id', 128).notNullable();
          t.text('columns_json').notNullable();
          t.text('search_text').notNullable();
          t.bigInteger('row_count').notNullable();
          t.integer('version').notNullable();
          t.string('sha256', 64).notNullable();
          t.string('status', 16).notNullable();
          t.string('tamper_finding_id', 128).nullable();
          t.datetime('released_at').notNullable().index('authz_datasets_released_at_index');
          t.datetime('record_updated_at').notNullable();
          t.string('tx_id', 128).notNullable();
          t.integer('block_number').notNullable();
          t.string('stance', 16).notNullable();
          t.string('stance_set_by', 128).nullable();
          t.datetime('stance_set_at').nullable();
        })
        .createTable('authz_dataset_columns', (t) => {
          t.string('dataset_id', 128).notNullable();
          t.integer('position').notNullable();
          t.primary(['dataset_id', 'position']);
          t.string('name', 256).notNullable().index('authz_dataset_columns_name_index');
        })
        .createTable('authz_institutions', (t) => {
          t.string('member_id', 128).notNullable();
          t.primary(['member_id']);
          t.string('name', 200).notNullable();
          t.string('msp_id', 128).notNullable();
          t.string('tx_id', 128).notNullable();
          t.integer('block_number').notNullable();
        })
        .createTable('authz_access_requests', (t) => {
          t.string('request_id', 128).notNullable();
          t.primary(['request_id']);
          t.string('dataset_id', 128).notNullable().index('authz_access_requests_dataset_id_index');
          t.string('owner_member_id', 128).notNullable().index('authz_access_requests_owner_member_id_index');
          t.string('requester', 128).notNullable().index('authz_access_requests_requester_index');
          t.string('status', 16).notNullable();
          t.datetime('requested_at').notNullable();
          t.text('record_json').notNullable();
          t.string('tx_id', 128).notNullable();
          t.integer('block_number').notNullable();
        }),
    );
  }

  override down(): void {
    this.schema((schema) => schema.dropTable('authz_access_requests').dropTable('authz_institutions').dropTable('authz_dataset_columns').dropTable('authz_datasets'));
  }
}

export const AUTHORIZATION_MIGRATIONS = [{ name: 'Migration20261124120000Authorization', class: Migration20261124120000Authorization }];
