import { SchemaMigration } from '@phdmf/persistence';

/** The data-storage tables: datasets and their versions (one SQL for SQLite and PostgreSQL). */
export class Migration20261123220000StorageDatasets extends SchemaMigration {
  override up(): void {
    this.schema((s) =>
      s
        .createTable('storage_datasets', (t) => {
          t.string('id', 128).notNullable();
          t.primary(['id']);
          t.string('name', 200).notNullable();
          t.string('owner_organisation_id', 128).notNullable();
          t.string('created_by', 128).notNullable();
          t.datetime('created_at').notNullable();
          t.datetime('updated_at').notNullable();
          t.string('state', 16).notNullable();
          t.integer('released_version').nullable();
          t.integer('latest_version').notNullable();
          t.string('tamper_finding_id', 128).nullable();
          t.boolean('tampered').notNullable();
          t.string('last_error_code', 64).nullable();
          t.text('last_error').nullable();
          t.datetime('deleted_at').nullable();
          t.string('delete_tx_id', 128).nullable();
        })
        .createTable('storage_dataset_versions', (t) => {
          t.increments('id').primary();
          t.string('dataset_id', 128).notNullable();
          t.integer('version').notNullable();
          t.string('sha256', 64).notNullable();
          t.bigInteger('size_bytes').notNullable();
          t.string('format', 16).notNullable();
          t.string('file_name', 255).notNullable();
          t.integer('row_count').notNullable();
          t.integer('column_count').notNullable();
          t.text('schema_json').notNullable();
          t.string('schema_digest', 64).notNullable();
          t.string('operator', 128).notNullable();
          t.text('description').notNullable();
          t.datetime('created_at').notNullable();
          t.string('release_state', 16).notNullable();
          t.string('release_error_code', 64).nullable();
          t.text('release_error').nullable();
          t.string('tx_id', 128).nullable();
          t.integer('block_number').nullable();
          t.datetime('committed_at').nullable();
          t.boolean('purged').notNullable();
          t.unique(['dataset_id', 'version'], { indexName: 'storage_dataset_versions_dataset_id_version_unique' });
          t.index(['sha256'], 'storage_dataset_versions_sha256_index');
        }),
    );
  }
}
