// A storage node killed (SIGKILL) in the middle of an upload leaves no partial dataset: no record,
// no file under a hash; the partial temporary file is swept at the next start.
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { eventually, freePort } from '@phdmf/testing';
import { LocalApi, spawnTs, World, type Site } from '../test-support/world';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('storage node killed mid-upload', () => {
  let world: World;

  beforeAll(async () => {
    world = await World.start();
  }, 120_000);

  afterAll(async () => {
    await world.dispose();
  });

  it('leaves no partial dataset, and the next start removes the partial file', async () => {
    const member = await world.admit('hospital-k', 'node-k');
    const port = await freePort();
    const env = world.siteEnv(member, { HTTP_PORT: String(port), ACCOUNTS_JWKS_FILE: world.jwksFile() });
    const storage = path.join(env.PHDMF_DATA_DIR ?? '', 'storage');
    const migrated = spawnTs('apps/data-storage/src/migrate.ts', env);
    expect(await migrated.exited).toBe(0);
    const node = spawnTs('apps/data-storage/src/main.ts', env);
    const token = await world.token({ userId: 'kim-k01', organisationId: 'hospital-k', roles: ['member'] });
    const site = { baseUrl: `http://127.0.0.1:${port}` } as Site;
    const api = new LocalApi(site, token);
    await eventually(async () => (await api.call('GET', '/datasets').catch(() => ({ status: 0 }))).status === 200, 'the node answers', 45_000);

    // Start a large upload, send 6 MiB of it, and kill the node while it waits for the rest.
    const req = http.request(`${site.baseUrl}/datasets?name=big`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': String(64 * 1024 * 1024) },
    });
    req.on('error', () => undefined);
    req.write('id,value\n');
    const row = Buffer.from('1,2.5\n'.repeat(1024 * 1024));
    req.write(row);
    await eventually(() => filesUnder(path.join(storage, 'tmp')).length === 1, 'the upload is being written to a temporary file');
    // At least one 4 MiB block has reached the temporary file.
    await eventually(() => filesUnder(path.join(storage, 'tmp')).some((f) => statSync(f).size >= 4 * 1024 * 1024), 'bytes on disk');
    node.child.kill('SIGKILL');
    await node.exited;
    req.destroy();

    expect(filesUnder(path.join(storage, 'objects'))).toEqual([]);
    expect(filesUnder(path.join(storage, 'tmp')).length).toBe(1);

    // Restarted: no dataset, and the partial temporary file is gone.
    const again = spawnTs('apps/data-storage/src/main.ts', env);
    try {
      await eventually(async () => (await api.call('GET', '/datasets').catch(() => ({ status: 0 }))).status === 200, 'the node answers again', 45_000);
      expect((await api.call('GET', '/datasets?includeDeleted=true')).json).toEqual({ items: [], nextCursor: null, total: 0 });
      expect(filesUnder(path.join(storage, 'tmp'))).toEqual([]);
      expect(filesUnder(path.join(storage, 'objects'))).toEqual([]);
      // And it works: a complete upload after the crash is released.
      const ok = await api.upload('id,value\n1,2\n2,3\n3,4\n');
      expect(ok.status).toBe(201);
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });
});
