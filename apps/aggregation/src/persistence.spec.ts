import { createIsolatedDatabase, migrate, pendingSchemaDiff } from '@phdmf/persistence';
import { postgresUrl, tempDir } from '@phdmf/testing';
import { AGGREGATION_PERSISTENCE } from './persistence';

describe('aggregation persistence', () => {
  const targets: [string, string | undefined][] = [['sqlite', undefined]];
  const pg = postgresUrl();
  if (pg) targets.push(['postgresql', pg]);

  it.each(targets)('migrates %s and leaves no schema difference from the entities', async (_dialect, databaseUrl) => {
    const tmp = tempDir('phdmf-aggregation-schema-');
    // A database of its own per run, so other runs on the same server cannot mask a missing migration.
    const db = databaseUrl ? await createIsolatedDatabase(databaseUrl) : undefined;
    const settings = { service: 'aggregation', dataDir: tmp.dir, databaseUrl: db?.url, ...AGGREGATION_PERSISTENCE };
    try {
      const report = await migrate(settings);
      expect(report.applied).toEqual(expect.arrayContaining(['Migration20261125090000Aggregation', 'Migration20261206190000DropProjection']));
      expect((await pendingSchemaDiff(settings)).trim()).toBe('');
      expect((await migrate(settings)).applied).toEqual([]);
    } finally {
      await db?.drop();
      tmp.remove();
    }
  });
});
