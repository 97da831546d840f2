import { createIsolatedDatabase, migrate, pendingSchemaDiff } from '@phdmf/persistence';
import { postgresUrl, tempDir } from '@phdmf/testing';
import { DATA_STORAGE_PERSISTENCE } from './persistence';

describe('data-storage persistence', () => {
  const targets: [string, string | undefined][] = [['sqlite', undefined]];
  const pg = postgresUrl();
  if (pg) targets.push(['postgresql', pg]);

  it.each(targets)('migrates %s and leaves no schema difference from the entities', async (_dialect, databaseUrl) => {
    const tmp = tempDir();
    // A database of its own per run, so other runs on the same server cannot mask a missing migration.
    const db = databaseUrl ? await createIsolatedDatabase(databaseUrl) : undefined;
    const settings = { service: 'data-storage', dataDir: tmp.dir, databaseUrl: db?.url, ...DATA_STORAGE_PERSISTENCE };
    try {
      await migrate(settings);
      expect(await pendingSchemaDiff(settings)).toBe('');
      // A second run applies nothing.
      expect((await migrate(settings)).applied).toEqual([]);
    } finally {
      await db?.drop();
      tmp.remove();
    }
  });
});
