import { SchemaMigration } from '@phdmf/persistence';

/** The accounts service's tables: users, refresh tokens, login events, signing keys. SQLite and PostgreSQL alike. */
export class Migration20261124100000Accounts extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      schema
        .createTable('accounts_users', (t) => {
          t.string('id', 36).notNullable();
          t.primary(['id']);
          t.string('email', 254).notNullable().unique({ indexName: 'accounts_users_email_unique' });
          t.string('display_name', 200).notNullable();
          t.string('password_hash', 255).notNullable();
          t.string('roles', 200).notNullable();
          t.string('organisation_id', 128).nullable().index('accounts_users_organisation_id_index');
          t.string('status', 16).notNullable();
          t.datetime('created_at').notNullable();
          t.datetime('updated_at').notNullable();
          t.datetime('password_changed_at').notNullable();
        })
        .createTable('accounts_refresh_tokens', (t) => {
          t.string('id', 36).notNullable();
          t.primary(['id']);
          t.string('family_id', 36).notNullable().index('accounts_refresh_tokens_family_id_index');
          t.string('user_id', 36).notNullable().index('accounts_refresh_tokens_user_id_index');
          t.string('secret_hash', 64).notNullable();
          t.datetime('created_at').notNullable();
          t.datetime('expires_at').notNullable();
          t.datetime('rotated_at').nullable();
          t.datetime('revoked_at').nullable();
          t.string('revoke_reason', 32).nullable();
        })
        .createTable('accounts_login_events', (t) => {
          t.increments('id').primary();
          t.string('user_id', 36).nullable();
          t.string('email', 254).notNullable();
          t.datetime('at').notNullable();
          t.boolean('success').notNullable();
          t.string('failure_code', 64).nullable();
          t.string('address', 64).nullable();
          t.string('user_agent', 512).nullable();
          t.index(['email', 'at'], 'accounts_login_events_email_at_index');
          t.index(['address', 'at'], 'accounts_login_events_address_at_index');
          t.index(['user_id', 'at'], 'accounts_login_events_user_id_at_index');
        })
        .createTable('accounts_signing_keys', (t) => {
          t.string('kid', 64).notNullable();
          t.primary(['kid']);
          t.text('private_jwk').notNullable();
          t.text('public_jwk').notNullable();
          t.datetime('created_at').notNullable();
          t.datetime('retired_at').nullable();
        }),
    );
  }

  override down(): void {
    this.schema((schema) =>
      schema.dropTable('accounts_signing_keys').dropTable('accounts_login_events').dropTable('accounts_refresh_tokens').dropTable('accounts_users'),
    );
  }
}

export const ACCOUNTS_MIGRATIONS = [{ name: 'Migration20261124100000Accounts', class: Migration20261124100000Accounts }];
