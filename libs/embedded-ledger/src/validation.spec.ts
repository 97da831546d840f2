// The helpers come first: they quiet fabric-contract-api's load-time logging.
import { ORG1, openTestLedger, tempDataDir } from '../testing/helpers';
import { MvccConflictError, type EmbeddedLedger, type SubmitResult } from './index';

describe('EmbeddedLedger MVCC validation', () => {
  let dir: ReturnType<typeof tempDataDir>;
  let ledger: EmbeddedLedger | undefined;

  beforeEach(() => {
    dir = tempDataDir();
  });

  afterEach(async () => {
    await ledger?.close();
    dir.cleanup();
  });

  it('applies exactly one of two conflicting transactions in one block and stores the other as invalid', async () => {
    // Two transactions per block and a long timeout: both land in the same block.
    ledger = await openTestLedger(dir.dir, { maxTxPerBlock: 2, batchTimeoutMs: 5_000 });
    const l = ledger;
    const settled = await Promise.allSettled([l.submit(ORG1, 'kv', 'increment', ['counter', '0']), l.submit(ORG1, 'kv', 'increment', ['counter', '0'])]);
    const fulfilled = settled.filter((s): s is PromiseFulfilledResult<SubmitResult> => s.status === 'fulfilled');
    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);

    const error = rejected[0]?.reason as MvccConflictError;
    expect(error).toBeInstanceOf(MvccConflictError);
    expect(error.code).toBe('LEDGER.MVCC_READ_CONFLICT');
    expect(error.validationCode).toBe('MVCC_READ_CONFLICT');
    const winner = fulfilled[0]?.value;
    expect(winner).toBeDefined();
    expect(error.blockNumber).toBe(winner?.blockNumber);

    const block = l.getBlock(error.blockNumber);
    expect(block.data.transactions).toHaveLength(2);
    expect(block.metadata.validationCodes[error.txIndex]).toBe('MVCC_READ_CONFLICT');
    expect(block.metadata.validationCodes[winner?.txIndex ?? -1]).toBe('VALID');
    expect(l.getTransaction(error.txId)).toMatchObject({ validationCode: 'MVCC_READ_CONFLICT', blockNumber: error.blockNumber });
    await expect(l.evaluate(ORG1, 'kv', 'get', ['counter'])).resolves.toBe(winner?.result);
  });

  it('invalidates a transaction whose read key was changed by a block committed after its simulation', async () => {
    ledger = await openTestLedger(dir.dir, { maxTxPerBlock: 1 });
    await ledger.submit(ORG1, 'kv', 'put', ['k', '1']);
    // The slow increment reads k, then waits while another write to k commits in its own block.
    const slow = ledger.submit(ORG1, 'kv', 'increment', ['k', '100']);
    await new Promise((r) => setTimeout(r, 10));
    await ledger.submit(ORG1, 'kv', 'put', ['k', '50']);
    await expect(slow).rejects.toMatchObject({ code: 'LEDGER.MVCC_READ_CONFLICT', validationCode: 'MVCC_READ_CONFLICT' });
    await expect(ledger.evaluate(ORG1, 'kv', 'get', ['k'])).resolves.toBe('50');
  });

  it('treats a read of an absent key that was created meanwhile as a conflict', async () => {
    ledger = await openTestLedger(dir.dir, { maxTxPerBlock: 1 });
    const slow = ledger.submit(ORG1, 'kv', 'increment', ['fresh', '100']);
    await new Promise((r) => setTimeout(r, 10));
    await ledger.submit(ORG1, 'kv', 'put', ['fresh', '7']);
    await expect(slow).rejects.toBeInstanceOf(MvccConflictError);
  });

  it('detects a phantom: a key inserted into a range the transaction read', async () => {
    ledger = await openTestLedger(dir.dir, { maxTxPerBlock: 1 });
    await ledger.submit(ORG1, 'kv', 'put', ['r1', 'x']);
    await ledger.submit(ORG1, 'kv', 'put', ['r3', 'x']);
    const slow = ledger.submit(ORG1, 'kv', 'countRangeThenPut', ['r', 's', 'count', '100']);
    await new Promise((r) => setTimeout(r, 10));
    await ledger.submit(ORG1, 'kv', 'put', ['r2', 'phantom']);
    const err = (await slow.catch((e: unknown) => e)) as MvccConflictError;
    expect(err).toBeInstanceOf(MvccConflictError);
    expect(err.code).toBe('LEDGER.MVCC_READ_CONFLICT');
    expect(err.validationCode).toBe('PHANTOM_READ_CONFLICT');
    expect(ledger.getTransaction(err.txId).validationCode).toBe('PHANTOM_READ_CONFLICT');
    await expect(ledger.evaluate(ORG1, 'kv', 'get', ['count'])).resolves.toBe('');
  });

  it('detects a phantom from a deletion and from an update inside the range', async () => {
    ledger = await openTestLedger(dir.dir, { maxTxPerBlock: 1 });
    await ledger.submit(ORG1, 'kv', 'put', ['p1', 'x']);
    await ledger.submit(ORG1, 'kv', 'put', ['p2', 'x']);
    const deleted = ledger.submit(ORG1, 'kv', 'countRangeThenPut', ['p', 'q', 'count', '50']);
    await new Promise((r) => setTimeout(r, 10));
    await ledger.submit(ORG1, 'kv', 'del', ['p1']);
    await expect(deleted).rejects.toMatchObject({ validationCode: 'PHANTOM_READ_CONFLICT' });

    const updated = ledger.submit(ORG1, 'kv', 'countRangeThenPut', ['p', 'q', 'count', '50']);
    await new Promise((r) => setTimeout(r, 10));
    await ledger.submit(ORG1, 'kv', 'put', ['p2', 'changed']);
    await expect(updated).rejects.toMatchObject({ validationCode: 'PHANTOM_READ_CONFLICT' });
  });

  it('detects a phantom created by an earlier transaction of the same block', async () => {
    ledger = await openTestLedger(dir.dir, { maxTxPerBlock: 2, batchTimeoutMs: 5_000 });
    const insert = ledger.submit(ORG1, 'kv', 'put', ['m5', 'x']);
    const count = ledger.submit(ORG1, 'kv', 'countRangeThenPut', ['m', 'n', 'count', '0']);
    const [a, b] = await Promise.allSettled([insert, count]);
    // Simulation order decides block order; the put finishes first (fewer awaits).
    expect(a.status).toBe('fulfilled');
    expect(b).toMatchObject({ status: 'rejected', reason: { validationCode: 'PHANTOM_READ_CONFLICT' } });
  });

  it('leaves a range read valid when writes happen outside the range', async () => {
    ledger = await openTestLedger(dir.dir, { maxTxPerBlock: 1 });
    await ledger.submit(ORG1, 'kv', 'put', ['r1', 'x']);
    const slow = ledger.submit(ORG1, 'kv', 'countRangeThenPut', ['r', 's', 'count', '50']);
    await new Promise((r) => setTimeout(r, 10));
    await ledger.submit(ORG1, 'kv', 'put', ['s1', 'outside']);
    await expect(slow).resolves.toMatchObject({ result: '1' });
  });

  it('validates only the part of a range the chaincode actually read', async () => {
    ledger = await openTestLedger(dir.dir, { maxTxPerBlock: 1 });
    const l = ledger;
    await Promise.all(['a1', 'a3', 'a5'].map((k) => l.submit(ORG1, 'kv', 'put', [k, 'x'])));

    // Reads a1 and a3, stops; an insert beyond a3 is outside what it saw.
    const partial = l.submit(ORG1, 'kv', 'rangeForAwait', ['a', 'b', '2', '50']);
    await new Promise((r) => setTimeout(r, 10));
    await l.submit(ORG1, 'kv', 'put', ['a4', 'x']);
    const ok = await partial;
    expect(l.getTransaction(ok.txId).readSet.rangeQueries).toEqual([
      {
        startKey: 'a',
        endKey: 'b',
        itrExhausted: false,
        results: [
          { key: 'a1', version: { blockNumber: expect.any(Number), txIndex: 0 } },
          { key: 'a3', version: { blockNumber: expect.any(Number), txIndex: 0 } },
        ],
      },
    ]);

    // An insert between the keys it saw is a phantom.
    const again = l.submit(ORG1, 'kv', 'rangeForAwait', ['a', 'b', '2', '50']);
    await new Promise((r) => setTimeout(r, 10));
    await l.submit(ORG1, 'kv', 'put', ['a2', 'x']);
    await expect(again).rejects.toMatchObject({ validationCode: 'PHANTOM_READ_CONFLICT' });
  });
});

describe('EmbeddedLedger block cutting', () => {
  let dir: ReturnType<typeof tempDataDir>;
  let ledger: EmbeddedLedger | undefined;

  beforeEach(() => {
    dir = tempDataDir();
  });

  afterEach(async () => {
    await ledger?.close();
    dir.cleanup();
  });

  it('cuts a block as soon as it holds maxTxPerBlock transactions', async () => {
    ledger = await openTestLedger(dir.dir, { maxTxPerBlock: 3, batchTimeoutMs: 1000 });
    const l = ledger;
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => l.submit(ORG1, 'kv', 'put', [`k${i}`, 'v'])));
    // Full blocks do not wait for the timeout.
    expect(Date.now() - started).toBeLessThan(800);
    expect(results.map((r) => r.blockNumber)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(results.map((r) => r.txIndex)).toEqual([0, 1, 2, 0, 1, 2]);
    const tail = Date.now();
    const last = await l.submit(ORG1, 'kv', 'put', ['k7', 'v']);
    expect(last.blockNumber).toBe(3);
    expect(Date.now() - tail).toBeGreaterThanOrEqual(980);
  });

  it('cuts a partly filled block batchTimeoutMs after its first transaction', async () => {
    ledger = await openTestLedger(dir.dir, { batchTimeoutMs: 100 });
    const l = ledger;
    const started = Date.now();
    const first = l.submit(ORG1, 'kv', 'put', ['a', '1']);
    await new Promise((r) => setTimeout(r, 40));
    const second = l.submit(ORG1, 'kv', 'put', ['b', '2']);
    const [r1, r2] = await Promise.all([first, second]);
    const elapsed = Date.now() - started;
    expect(r1.blockNumber).toBe(1);
    expect(r2.blockNumber).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(1000);
    expect(l.getBlock(1).data.transactions).toHaveLength(2);
  });

  it('with cutWhenIdle, cuts at once while the committer is idle: a lone transaction does not wait for the timeout', async () => {
    ledger = await openTestLedger(dir.dir, { batchTimeoutMs: 60_000, cutWhenIdle: true });
    const started = Date.now();
    const lone = await ledger.submit(ORG1, 'kv', 'put', ['a', '1']);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(lone.blockNumber).toBe(1);
    // Submitted in the same turn of the event loop: simulated before the cut, so in one block.
    const together = await Promise.all(Array.from({ length: 5 }, (_, i) => ledger!.submit(ORG1, 'kv', 'put', [`t${i}`, 'v'])));
    expect(new Set(together.map((r) => r.blockNumber))).toEqual(new Set([2]));
    expect(ledger.getBlock(2).data.transactions).toHaveLength(5);
  });

  it('with cutWhenIdle, fills the next block while one commits and cuts it when the committer is free, still at most maxTxPerBlock', async () => {
    ledger = await openTestLedger(dir.dir, { maxTxPerBlock: 4, batchTimeoutMs: 60_000, cutWhenIdle: true });
    const l = ledger;
    const first = l.submit(ORG1, 'kv', 'put', ['first', 'v']);
    // Let the first block be cut alone (at the setImmediate after its simulation) and handed to the
    // committer, then submit ten more while it commits.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const rest = Array.from({ length: 10 }, (_, i) => l.submit(ORG1, 'kv', 'put', [`r${i}`, 'v']));
    const [firstResult, ...results] = await Promise.all([first, ...rest]);
    expect(firstResult.blockNumber).toBe(1);
    const sizes = [...new Set([firstResult, ...results].map((r) => r.blockNumber))].sort((a, b) => a - b).map((n) => l.getBlock(n).data.transactions.length);
    // 1, then the ten cut by count (4, 4) and the remaining two when the committer is free: no timeout waited.
    expect(sizes).toEqual([1, 4, 4, 2]);
  });

  it('flushes the pending batch on close', async () => {
    ledger = await openTestLedger(dir.dir, { batchTimeoutMs: 60_000 });
    const pending = ledger.submit(ORG1, 'kv', 'put', ['k', 'v']);
    await new Promise((r) => setTimeout(r, 10));
    await ledger.close();
    await expect(pending).resolves.toMatchObject({ blockNumber: 1 });
  });
});
