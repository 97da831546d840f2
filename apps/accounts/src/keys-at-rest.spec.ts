// The accounts service's secrets at rest, as its real entry points (migrate.ts, main.ts) leave them:
// in production it does not start without a key-encryption key for its token-signing keys, and
// what it writes under its data directory is readable by its own user only.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTsEntry, TestNatsServer, tempDir, type TsChild } from '@phdmf/testing';

function mode(file: string): string {
  return (statSync(file).mode & 0o777).toString(8);
}

/** Resolves with the exit code, or with 'started' once the service logs that it started. */
function startedOrExited(service: TsChild): Promise<number | null | 'started'> {
  return new Promise((resolve) => {
    const onData = (): void => {
      if (service.output().includes('"accounts started"')) resolve('started');
    };
    service.child.stdout?.on('data', onData);
    service.child.stderr?.on('data', onData);
    void service.exited.then(resolve);
  });
}

describe('accounts: keys and files at rest', () => {
  let nats: TestNatsServer;
  let root: ReturnType<typeof tempDir>;
  const running: TsChild[] = [];

  beforeAll(async () => {
    nats = await TestNatsServer.start();
    root = tempDir('phdmf-accounts-at-rest-');
  });

  afterAll(async () => {
    for (const service of running) {
      if (service.child.exitCode === null && service.child.signalCode === null) {
        service.child.kill('SIGTERM');
        await service.exited;
      }
    }
    await nats.dispose();
    root.remove();
  });

  async function migrated(dataDir: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const env = { NATS_URL: nats.url, PHDMF_DATA_DIR: dataDir, LOG_LEVEL: 'info', NODE_ENV: 'production', ...extra };
    // The migration step needs no key-encryption key: it never touches the signing keys.
    const migration = spawnTsEntry('apps/accounts/src/migrate.ts', env);
    const code = await migration.exited;
    if (code !== 0) throw new Error(`migrate.ts exited ${String(code)}:\n${migration.output()}`);
    return env;
  }

  it('refuses to start in production without a key-encryption key, naming the variable (exit 78)', async () => {
    const env = await migrated(join(root.dir, 'no-kek'));
    const service = spawnTsEntry('apps/accounts/src/main.ts', env);
    running.push(service);

    const outcome = await startedOrExited(service);
    expect({ outcome, output: service.output() }).toMatchObject({ outcome: 78 });
    expect(service.output()).toContain('SIGNING_KEY_ENCRYPTION_KEY_FILE: required in production');
  }, 60_000);

  it('in production with a key, keeps its data directory 0700 and its SQLite files 0600', async () => {
    const kek = join(root.dir, 'signing.kek');
    writeFileSync(kek, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const dataDir = join(root.dir, 'with-kek', 'data');
    const env = await migrated(dataDir, { SIGNING_KEY_ENCRYPTION_KEY_FILE: kek });
    const service = spawnTsEntry('apps/accounts/src/main.ts', env);
    running.push(service);

    const outcome = await startedOrExited(service);
    expect({ outcome, output: outcome === 'started' ? '' : service.output() }).toEqual({ outcome: 'started', output: '' });
    expect(mode(dataDir)).toBe('700');
    const files = ['accounts.sqlite3', 'accounts.sqlite3-wal', 'accounts.sqlite3-shm'].map((name) => join(dataDir, name)).filter((file) => existsSync(file));
    expect(files[0]).toBe(join(dataDir, 'accounts.sqlite3'));
    expect(Object.fromEntries(files.map((file) => [file, mode(file)]))).toEqual(Object.fromEntries(files.map((file) => [file, '600'])));
  }, 60_000);
});
