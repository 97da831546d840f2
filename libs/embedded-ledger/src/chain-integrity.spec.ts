// The helpers come first: they quiet fabric-contract-api's load-time logging.
import { ORG1, ORG2, openTestLedger, runConcurrently, tempDataDir } from '../testing/helpers';
import Database from 'better-sqlite3';
import { createPublicKey, verify } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE, LedgerLockedError, SIGNING_KEY_FILE, blockHash, canonicalJson, type EmbeddedLedger } from './index';

describe('EmbeddedLedger chain integrity and persistence', () => {
  let dir: ReturnType<typeof tempDataDir>;
  let ledger: EmbeddedLedger | undefined;

  beforeEach(() => {
    dir = tempDataDir();
  });

  afterEach(async () => {
    await ledger?.close();
    dir.cleanup();
  });

  /** Builds a chain of genesis + `blocks` blocks with varied content, then closes it. */
  async function buildChain(blocks: number): Promise<void> {
    const l = await openTestLedger(dir.dir, { maxTxPerBlock: 3, batchTimeoutMs: 2 });
    for (let b = 0; b < blocks; b++) {
      await Promise.all([
        l.submit(ORG1, 'kv', 'put', [`key-${b}`, `value-${b}`]),
        l.submit(ORG2, 'kv', 'emit', [`Event${b}`, `payload-${b}`]),
        l.submit(ORG1, 'kv', 'putComposite', ['t', `a${b}`, 'b', 'v']),
      ]);
    }
    expect(l.info().height).toBe(blocks + 1);
    await l.close();
  }

  function withRawDb<T>(fn: (db: Database.Database) => T): T {
    const db = new Database(join(dir.dir, DATABASE_FILE));
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }

  function flipByte(blockNumber: number, position: number): void {
    withRawDb((db) => {
      const row = db.prepare('SELECT bytes FROM blocks WHERE number = ?').get(blockNumber) as { bytes: Buffer };
      const bytes = Buffer.from(row.bytes);
      const at = position < 0 ? bytes.length + position : position;
      bytes[at] = (bytes[at] ?? 0) ^ 0x01;
      db.prepare('UPDATE blocks SET bytes = ? WHERE number = ?').run(bytes, blockNumber);
    });
  }

  it('creates a signed genesis block naming the channel and the ledger key, and keeps the key 0600', async () => {
    ledger = await openTestLedger(dir.dir, { channelName: 'consortium' });
    const info = ledger.info();
    expect(info.height).toBe(1);
    expect(info.previousBlockHash).toBe('');
    const genesis = ledger.getBlock(0);
    expect(genesis.header).toEqual({ number: 0, previousHash: '', dataHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(genesis.data.config).toMatchObject({ channelName: 'consortium', publicKeyPem: info.publicKeyPem, ledgerFormat: 1 });
    expect(blockHash(genesis.header)).toBe(info.currentBlockHash);
    const signatureOk = verify(null, Buffer.from(info.currentBlockHash, 'hex'), createPublicKey(info.publicKeyPem), Buffer.from(genesis.metadata.signature, 'base64'));
    expect(signatureOk).toBe(true);
    expect(statSync(join(dir.dir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('links each block to the previous one and stores canonical bytes', async () => {
    await buildChain(3);
    // Raw reads only while the ledger is closed: an open ledger holds an exclusive lock.
    const stored = withRawDb((db) => (db.prepare('SELECT bytes FROM blocks WHERE number = 2').get() as { bytes: Buffer }).bytes.toString());
    expect(canonicalJson(JSON.parse(stored))).toBe(stored);
    ledger = await openTestLedger(dir.dir);
    const l = ledger;
    for (let n = 1; n < 4; n++) {
      expect(l.getBlock(n).header.previousHash).toBe(blockHash(l.getBlock(n - 1).header));
    }
    expect(l.info().currentBlockHash).toBe(blockHash(l.getBlock(3).header));
    expect(l.info().previousBlockHash).toBe(blockHash(l.getBlock(2).header));
  });

  it('keeps height, state, versions, history, blocks, the tx index and events across close and reopen', async () => {
    ledger = await openTestLedger(dir.dir);
    const first = await ledger.submit(ORG1, 'kv', 'put', ['k', 'v1']);
    const second = await ledger.submit(ORG1, 'kv', 'put', ['k', 'v2']);
    await ledger.submit(ORG1, 'kv', 'emit', ['Persisted', 'p']);
    const infoBefore = ledger.info();
    const blockBefore = ledger.getBlock(2);
    await ledger.close();

    ledger = await openTestLedger(dir.dir);
    expect(ledger.info()).toEqual(infoBefore);
    expect(ledger.getBlock(2)).toEqual(blockBefore);
    await expect(ledger.evaluate(ORG1, 'kv', 'get', ['k'])).resolves.toBe('v2');
    const history = JSON.parse(await ledger.evaluate(ORG1, 'kv', 'history', ['k'])) as { txId: string }[];
    expect(history.map((h) => h.txId)).toEqual([second.txId, first.txId]);
    expect(ledger.getTransaction(first.txId)).toMatchObject({ blockNumber: first.blockNumber, txIndex: 0, validationCode: 'VALID' });
    await expect(ledger.verifyChain()).resolves.toEqual({ ok: true, height: infoBefore.height });

    // Versions survived: a read of k records the version written by `second`.
    const inc = await ledger.submit(ORG1, 'kv', 'putThenGet', ['k', 'v3']);
    expect(ledger.getTransaction(inc.txId).readSet.reads).toEqual([{ key: 'k', version: { blockNumber: second.blockNumber, txIndex: 0 } }]);
    expect(inc.blockNumber).toBe(infoBefore.height);

    const events = [];
    for await (const e of ledger.chaincodeEvents({ startBlock: 0 })) {
      events.push(e);
      break;
    }
    expect(events[0]).toMatchObject({ eventName: 'Persisted' });
  });

  it('verifies an untouched chain', async () => {
    await buildChain(5);
    ledger = await openTestLedger(dir.dir);
    await expect(ledger.verifyChain()).resolves.toEqual({ ok: true, height: 6 });
  });

  const positions = [0, 1, 9, 40, 200, 0.5, -120, -40, -3, -2, -1];
  it.each([
    ['the first (genesis) block', 0],
    ['a middle block', 3],
    ['the last block', 6],
  ])('names %s when one byte of it is altered, wherever the byte is', async (_label, target) => {
    await buildChain(6);
    const length = withRawDb((db) => (db.prepare('SELECT length(bytes) AS n FROM blocks WHERE number = ?').get(target) as { n: number }).n);
    for (const p of positions) {
      const position = p > 0 && p < 1 ? Math.floor(length * p) : p;
      flipByte(target, position);
      ledger = await openTestLedger(dir.dir);
      const result = await ledger.verifyChain();
      expect({ position, result }).toEqual({ position, result: { ok: false, firstInvalidBlock: target, reason: expect.any(String) } });
      await ledger.close();
      ledger = undefined;
      flipByte(target, position); // restore
    }
    ledger = await openTestLedger(dir.dir);
    await expect(ledger.verifyChain()).resolves.toEqual({ ok: true, height: 7 });
  });

  it('names a block whose signature was replaced', async () => {
    await buildChain(3);
    withRawDb((db) => {
      const row = db.prepare('SELECT bytes FROM blocks WHERE number = 2').get() as { bytes: Buffer };
      const block = JSON.parse(row.bytes.toString()) as { metadata: { signature: string } };
      block.metadata.signature = Buffer.alloc(64, 7).toString('base64');
      db.prepare('UPDATE blocks SET bytes = ? WHERE number = 2').run(Buffer.from(canonicalJson(block)));
    });
    ledger = await openTestLedger(dir.dir);
    await expect(ledger.verifyChain()).resolves.toMatchObject({ ok: false, firstInvalidBlock: 2, reason: expect.stringContaining('signature') });
  });

  it('refuses a second instance on the same data directory', async () => {
    ledger = await openTestLedger(dir.dir);
    await expect(openTestLedger(dir.dir)).rejects.toBeInstanceOf(LedgerLockedError);
  });

  it('refuses to reopen a ledger under another channel name', async () => {
    ledger = await openTestLedger(dir.dir, { channelName: 'one' });
    await ledger.close();
    ledger = undefined;
    await expect(openTestLedger(dir.dir, { channelName: 'two' })).rejects.toMatchObject({ code: 'LEDGER.CONFIG' });
    ledger = await openTestLedger(dir.dir);
    expect(ledger.channelId).toBe('one');
  });

  it('commits many concurrent submits (2,000 with 256 in flight)', async () => {
    ledger = await openTestLedger(dir.dir);
    const l = ledger;
    const results = await runConcurrently(2000, 256, (i) => l.submit(ORG1, 'kv', 'put', [`key-${i}`, `value-${i}`]));
    const failures = results.filter((r) => r.status === 'rejected');
    expect(failures).toEqual([]);
    const txIds = new Set(results.map((r) => (r.status === 'fulfilled' ? r.value.txId : '')));
    expect(txIds.size).toBe(2000);
    await expect(l.evaluate(ORG1, 'kv', 'get', ['key-1999'])).resolves.toBe('value-1999');
    let stored = 0;
    for (let n = 1; n < l.info().height; n++) {
      stored += l.getBlock(n).data.transactions.length;
    }
    expect(stored).toBe(2000);
    await expect(l.verifyChain()).resolves.toMatchObject({ ok: true });
  });
});
