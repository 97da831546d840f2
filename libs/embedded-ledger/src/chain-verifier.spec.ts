// The helpers come first: they quiet fabric-contract-api's load-time logging.
import { ORG1, ORG2, openTestLedger, tempDataDir } from '../testing/helpers';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { StoredBlockRow } from './block-store';
import { verifyStoredBlock } from './chain-verifier';
import { DATABASE_FILE } from './database';
import { LedgerSigner } from './signer';
import type { LedgerLogger } from './types';

const silent: LedgerLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('verifyStoredBlock', () => {
  const dir = tempDataDir();
  let rows: StoredBlockRow[];
  let signer: LedgerSigner;

  beforeAll(async () => {
    const ledger = await openTestLedger(dir.dir, { maxTxPerBlock: 2, batchTimeoutMs: 1 });
    await Promise.all([ledger.submit(ORG1, 'kv', 'put', ['k', 'v']), ledger.submit(ORG2, 'kv', 'emit', ['E', '\u00e9\u{1F600}'])]);
    await Promise.all([ledger.submit(ORG1, 'kv', 'increment', ['k2', '0']), ledger.submit(ORG1, 'kv', 'increment', ['k2', '0'])]).catch(() => undefined);
    await ledger.close();
    const db = new Database(join(dir.dir, DATABASE_FILE));
    rows = db.prepare('SELECT number, hash, bytes FROM blocks ORDER BY number').all() as StoredBlockRow[];
    db.close();
    signer = LedgerSigner.loadOrCreate(dir.dir, false, silent);
  });

  afterAll(() => {
    dir.cleanup();
  });

  it('accepts every stored block as written', () => {
    expect(rows).toHaveLength(3);
    let previous = '';
    rows.forEach((row, n) => {
      const check = verifyStoredBlock(row, n, previous, signer);
      expect(check).toEqual({ ok: true, hash: row.hash });
      previous = row.hash;
    });
  });

  it('rejects every single-byte alteration of every block', () => {
    let previous = '';
    rows.forEach((row, n) => {
      const undetected: number[] = [];
      for (let i = 0; i < row.bytes.length; i++) {
        const bytes = Buffer.from(row.bytes);
        bytes[i] = (bytes[i] ?? 0) ^ 0x01;
        if (verifyStoredBlock({ ...row, bytes }, n, previous, signer).ok) {
          undetected.push(i);
        }
      }
      expect({ block: n, undetected }).toEqual({ block: n, undetected: [] });
      previous = row.hash;
    });
  });

  it('rejects a block stored under the wrong number or after the wrong hash', () => {
    const [genesis, first] = rows;
    expect(verifyStoredBlock(first!, 2, genesis!.hash, signer)).toMatchObject({ ok: false });
    expect(verifyStoredBlock(first!, 1, 'f'.repeat(64), signer)).toMatchObject({ ok: false, reason: expect.stringContaining('previousHash') });
  });
});
