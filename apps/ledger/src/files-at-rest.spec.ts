// What a real start of the ledger service leaves under its data directory is its own user's only:
// its database, the embedded ledger's chain and lock, and the key the blocks are signed with.
import type { INestApplication } from '@nestjs/common';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TestNatsServer, tempDir } from '@phdmf/testing';
import { provisionEventStream } from '@phdmf/messaging';
import { ledgerEnv, startLedgerService } from '../test-support/ledger-service';

function mode(file: string): string {
  return (statSync(file).mode & 0o777).toString(8);
}

describe('ledger service: files at rest', () => {
  let nats: TestNatsServer;
  let root: ReturnType<typeof tempDir>;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    nats = await TestNatsServer.start({ provision: provisionEventStream });
    root = tempDir('phdmf-ledger-at-rest-');
  });

  afterAll(async () => {
    await app?.close();
    await nats.dispose();
    root.remove();
  });

  it('creates its data directories 0700 and its databases, lock and signing key 0600', async () => {
    const dataDir = join(root.dir, 'data');
    app = await startLedgerService(ledgerEnv(nats.url, dataDir, { LEDGER_VERIFY_ON_START: 'false' }));
    const chainDir = join(dataDir, 'ledger');

    expect({ [dataDir]: mode(dataDir), [chainDir]: mode(chainDir) }).toEqual({ [dataDir]: '700', [chainDir]: '700' });
    const expected = [join(dataDir, 'ledger.sqlite3'), join(chainDir, 'ledger.sqlite3'), join(chainDir, 'ledger.lock'), join(chainDir, 'ledger-signing-key.pem')];
    for (const file of expected) expect(existsSync(file)).toBe(true);
    const files = [dataDir, chainDir].flatMap((dir) => readdirSync(dir).map((name) => join(dir, name))).filter((file) => statSync(file).isFile());
    expect(Object.fromEntries(files.map((file) => [file, mode(file)]))).toEqual(Object.fromEntries(files.map((file) => [file, '600'])));
  }, 30_000);
});
