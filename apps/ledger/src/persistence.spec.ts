import { MikroORM } from '@mikro-orm/core';
import { createIsolatedDatabase, createOrmOptions, migrate, pendingSchemaDiff, type PersistenceSettings } from '@phdmf/persistence';
import { postgresUrl, tempDir } from '@phdmf/testing';
import { EventCheckpointStore } from './events/event-checkpoint.store';
import { LEDGER_PERSISTENCE } from './persistence';

describe('ledger persistence', () => {
  const databases: { name: string; url: string | undefined }[] = [{ name: 'SQLite', url: undefined }];
  const pg = postgresUrl();
  if (pg !== undefined) databases.push({ name: 'PostgreSQL', url: pg });

  it.each(databases)('its migrations create exactly the tables its entities describe, and the checkpoint round-trips ($name)', async ({ url }) => {
    const dir = tempDir('phdmf-ledger-schema-');
    // A database of its own per run, so other runs on the same server cannot mask a missing migration.
    const db = url ? await createIsolatedDatabase(url) : undefined;
    const settings: PersistenceSettings = { service: 'ledger', dataDir: dir.dir, databaseUrl: db?.url, ...LEDGER_PERSISTENCE };
    try {
      const report = await migrate(settings);
      expect(report.applied).toContain('Migration20261124000000LedgerEventCheckpoints');
      expect((await pendingSchemaDiff(settings)).trim()).toBe('');

      const orm = await MikroORM.init(createOrmOptions(settings));
      try {
        const store = new EventCheckpointStore(orm);
        const name = `test-${Date.now()}`;
        await expect(store.load(name)).resolves.toEqual({ blockNumber: 0 });
        await store.save(name, 7, 'tx-a');
        await store.save(name, 9, 'tx-b');
        await expect(store.load(name)).resolves.toEqual({ blockNumber: 9, afterTxId: 'tx-b' });
      } finally {
        await orm.close(true);
      }
    } finally {
      await db?.drop();
      dir.remove();
    }
  });
});
