import { MikroORM } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS, OutboxMessage } from '@phdmf/messaging';
import { postgresUrl, tempDir } from '@phdmf/testing';
import { createOrmOptions, dialectOf, schemaNameOf, sqliteFileOf, type PersistenceSettings } from './orm-options';
import { migrate, pendingSchemaDiff } from './migrate';
import { createIsolatedDatabase, type IsolatedDatabase } from './isolated-database';

const pg = postgresUrl();
const dialects: { name: string; url: string | undefined }[] = [{ name: 'sqlite', url: undefined }, ...(pg ? [{ name: 'postgresql', url: pg }] : [])];

if (!pg) {
  console.info('persistence: DATABASE_URL not set, PostgreSQL cases skipped (CI sets it)');
}

describe.each(dialects)('persistence on $name', ({ url }) => {
  let dir: ReturnType<typeof tempDir>;
  let settings: PersistenceSettings;
  let db: IsolatedDatabase | undefined;

  beforeEach(async () => {
    dir = tempDir();
    db = url ? await createIsolatedDatabase(url) : undefined;
    settings = {
      service: `test-${randomUUID().slice(0, 8)}`,
      dataDir: dir.dir,
      databaseUrl: db?.url,
      entities: [...MESSAGING_ENTITIES],
      migrations: [...MESSAGING_MIGRATIONS],
    };
  });

  afterEach(async () => {
    await db?.drop();
    dir.remove();
  });

  it('applies the migrations explicitly, once, and leaves the schema in line with the entities', async () => {
    const first = await migrate(settings);
    expect(first.applied).toEqual(['Migration20261123000000Messaging']);
    expect(first.dialect).toBe(dialectOf(settings));
    const second = await migrate(settings);
    expect(second.applied).toEqual([]);
    expect((await pendingSchemaDiff(settings)).trim()).toBe('');
  });

  it('does not create tables at start-up: without the migrate step the tables are missing', async () => {
    const diff = await pendingSchemaDiff(settings);
    expect(diff).toContain('messaging_outbox');
  });

  it('rolls back a failed transaction: no half-written outbox row', async () => {
    await migrate(settings);
    const orm = await MikroORM.init(createOrmOptions(settings));
    try {
      await expect(
        orm.em.fork().transactional(async (em) => {
          em.persist(em.create(OutboxMessage, { eventId: 'e-1', subject: 's', payload: '{}', headers: '{}', createdAt: new Date(), attempts: 0 }));
          await em.flush();
          throw new Error('boom after flush');
        }),
      ).rejects.toThrow('boom after flush');
      expect(await orm.em.fork().count(OutboxMessage, {})).toBe(0);
      await orm.em.fork().transactional((em) => {
        em.persist(em.create(OutboxMessage, { eventId: 'e-2', subject: 's', payload: '{}', headers: '{}', createdAt: new Date(), attempts: 0 }));
        return Promise.resolve();
      });
      expect(await orm.em.fork().count(OutboxMessage, {})).toBe(1);
    } finally {
      await orm.close(true);
    }
  });

  it('keeps each service in its own place: its own SQLite file, or its own PostgreSQL schema', async () => {
    await migrate(settings);
    if (url) {
      const orm = await MikroORM.init({ ...createOrmOptions(settings), driverOptions: {}, schema: 'public' });
      const rows: { table_name: string }[] = await orm.em.getConnection().execute(
        `select table_name from information_schema.tables where table_schema = '${schemaNameOf(settings)}' order by table_name`,
      );
      await orm.close(true);
      expect(rows.map((r) => r.table_name)).toEqual(['messaging_outbox', 'messaging_processed_events', 'mikro_orm_migrations']);
    } else {
      expect(existsSync(sqliteFileOf(settings))).toBe(true);
    }
  });
});
