import { SchemaMigration } from '@phdmf/persistence';

/** The node-registry's tables: membership applications and admitted institutions. SQLite and PostgreSQL alike. */
export class Migration20261124110000NodeRegistry extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      schema
        .createTable('registry_applications', (t) => {
          t.string('id', 36).notNullable();
          t.primary(['id']);
          t.string('member_id', 128).notNullable().unique({ indexName: 'registry_applications_member_id_unique' });
          t.string('msp_id', 128).notNullable();
          t.string('name', 200).notNullable();
          t.string('contact_name', 200).notNullable();
          t.string('contact_email', 254).notNullable();
          t.string('applicant_user_id', 128).notNullable().index('registry_applications_applicant_user_id_index');
          t.string('node_id', 64).notNullable().index('registry_applications_node_id_index');
          t.string('endpoint', 2048).notNullable();
          t.text('node_public_key').notNullable();
          t.string('status', 16).notNullable();
          t.text('reason').nullable();
          t.datetime('submitted_at').notNullable();
          t.datetime('decided_at').nullable();
          t.string('decided_by', 128).nullable();
          t.string('decision_tx_id', 128).nullable();
          t.integer('decision_block').nullable();
          t.datetime('admin_appointed_at').nullable();
        })
        .createTable('registry_institutions', (t) => {
          t.string('member_id', 128).notNullable();
          t.primary(['member_id']);
          t.string('name', 200).notNullable();
          t.string('msp_id', 128).notNullable();
          t.string('node_id', 64).notNullable().unique({ indexName: 'registry_institutions_node_id_unique' });
          t.string('endpoint', 2048).notNullable();
          t.text('node_public_key').notNullable();
          t.datetime('admitted_at').notNullable();
          t.string('admission_tx_id', 128).notNullable();
          t.integer('admission_block').notNullable();
          t.string('node_update_tx_id', 128).nullable();
          t.integer('node_update_block').nullable();
          t.datetime('last_heartbeat_at').nullable();
          t.text('last_test').nullable();
        }),
    );
  }

  override down(): void {
    this.schema((schema) => schema.dropTable('registry_institutions').dropTable('registry_applications'));
  }
}

export const NODE_REGISTRY_MIGRATIONS = [{ name: 'Migration20261124110000NodeRegistry', class: Migration20261124110000NodeRegistry }];
