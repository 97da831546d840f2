// The helpers come first: they quiet fabric-contract-api's load-time logging.
import { ORG1, openTestLedger, runConcurrently, tempDataDir } from '../testing/helpers';
import { LedgerInvalidArgumentError, type ChaincodeEventRecord, type EmbeddedLedger } from './index';

describe('EmbeddedLedger chaincode events', () => {
  let dir: ReturnType<typeof tempDataDir>;
  let ledger: EmbeddedLedger;

  beforeEach(async () => {
    dir = tempDataDir();
    ledger = await openTestLedger(dir.dir);
  });

  afterEach(async () => {
    await ledger.close();
    dir.cleanup();
  });

  async function take(iterable: AsyncIterable<ChaincodeEventRecord>, count: number): Promise<ChaincodeEventRecord[]> {
    const out: ChaincodeEventRecord[] = [];
    if (count === 0) {
      return out;
    }
    for await (const event of iterable) {
      out.push(event);
      if (out.length === count) {
        break;
      }
    }
    return out;
  }

  it('replays committed events from a start block, only from valid transactions, in commit order', async () => {
    const e1 = await ledger.submit(ORG1, 'kv', 'emit', ['DatasetReleased', 'p1']); // block 1
    await ledger.submit(ORG1, 'kv', 'put', ['no-event', 'x']); // block 2
    await ledger.submit(ORG1, 'kv', 'fail', ['k', 'boom']).catch(() => undefined); // not ordered
    const same = await Promise.all([ledger.submit(ORG1, 'kv', 'emit', ['A', 'p2']), ledger.submit(ORG1, 'kv', 'emit', ['B', 'p3'])]); // block 3

    const fromStart = await take(ledger.chaincodeEvents({ startBlock: 0 }), 3);
    expect(fromStart.map((e) => [e.blockNumber, e.txIndex, e.eventName, Buffer.from(e.payload).toString()])).toEqual([
      [1, 0, 'DatasetReleased', 'p1'],
      [3, 0, same[0].txIndex === 0 ? 'A' : 'B', same[0].txIndex === 0 ? 'p2' : 'p3'],
      [3, 1, same[0].txIndex === 0 ? 'B' : 'A', same[0].txIndex === 0 ? 'p3' : 'p2'],
    ]);
    expect(fromStart[0]).toMatchObject({ txId: e1.txId, contractName: 'kv' });

    const fromBlock3 = await take(ledger.chaincodeEvents({ startBlock: 3 }), 2);
    expect(fromBlock3.map((e) => e.blockNumber)).toEqual([3, 3]);
  });

  it('does not deliver the event of an MVCC-invalid transaction', async () => {
    await ledger.close();
    ledger = await openTestLedger(dir.dir, { maxTxPerBlock: 1 });
    const slow = ledger.submit(ORG1, 'kv', 'incrementWithEvent', ['n', '50']);
    await new Promise((r) => setTimeout(r, 10));
    await ledger.submit(ORG1, 'kv', 'incrementWithEvent', ['n', '0']);
    const invalid = await slow.catch((e: unknown) => e as { txId: string });
    expect(ledger.getTransaction(invalid.txId)).toMatchObject({ validationCode: 'MVCC_READ_CONFLICT', event: { name: 'Incremented' } });
    await ledger.submit(ORG1, 'kv', 'emit', ['After', 'x']);
    const events = await take(ledger.chaincodeEvents({ startBlock: 0 }), 2);
    expect(events.map((e) => [e.eventName, Buffer.from(e.payload).toString()])).toEqual([
      ['Incremented', '1'],
      ['After', 'x'],
    ]);
    expect(events.some((e) => e.txId === invalid.txId)).toBe(false);
  });

  it('tails live commits after the replay without gaps or duplicates', async () => {
    // History before the consumer starts...
    await runConcurrently(50, 16, (i) => ledger.submit(ORG1, 'kv', 'emit', ['Before', String(i)]));
    const received: ChaincodeEventRecord[] = [];
    const total = 50 + 300;
    const consumer = (async () => {
      for await (const event of ledger.chaincodeEvents({ startBlock: 0 })) {
        received.push(event);
        // A slow consumer, so the replay and the live commits overlap.
        if (received.length % 25 === 0) {
          await new Promise((r) => setTimeout(r, 2));
        }
        if (received.length === total) {
          break;
        }
      }
    })();
    // ...and while it replays.
    await runConcurrently(300, 64, (i) => ledger.submit(ORG1, 'kv', 'emit', ['During', String(i)]));
    await consumer;

    expect(received).toHaveLength(total);
    expect(new Set(received.map((e) => e.txId)).size).toBe(total);
    for (let i = 1; i < received.length; i++) {
      const a = received[i - 1]!;
      const b = received[i]!;
      expect(b.blockNumber > a.blockNumber || (b.blockNumber === a.blockNumber && b.txIndex > a.txIndex)).toBe(true);
    }
    // Every committed event transaction is there.
    const committed = new Set<string>();
    for (let n = 1; n < ledger.info().height; n++) {
      for (const tx of ledger.getBlock(n).data.transactions) {
        if (tx.event !== null && tx.validationCode === 'VALID') {
          committed.add(tx.txId);
        }
      }
    }
    expect(committed.size).toBe(total);
    expect(received.every((e) => committed.has(e.txId))).toBe(true);
  });

  it('resumes from a checkpoint (blockNumber, txId) with the next event', async () => {
    await Promise.all([0, 1, 2].map((i) => ledger.submit(ORG1, 'kv', 'emit', ['E', String(i)])));
    await Promise.all([3, 4].map((i) => ledger.submit(ORG1, 'kv', 'emit', ['E', String(i)])));
    const all = await take(ledger.chaincodeEvents({ startBlock: 0 }), 5);
    const checkpoint = all[1]!;
    const resumed = await take(ledger.chaincodeEvents({ startBlock: checkpoint.blockNumber, afterTxId: checkpoint.txId }), 3);
    expect(resumed.map((e) => e.txId)).toEqual(all.slice(2).map((e) => e.txId));
    expect(() => ledger.chaincodeEvents({ startBlock: 0, afterTxId: checkpoint.txId })).toThrow(LedgerInvalidArgumentError);
  });

  it('waits for a start block that is not committed yet', async () => {
    const future = ledger.info().height + 1;
    const pending = take(ledger.chaincodeEvents({ startBlock: future }), 1);
    await ledger.submit(ORG1, 'kv', 'emit', ['TooEarly', 'x']);
    const later = await ledger.submit(ORG1, 'kv', 'emit', ['OnTime', 'y']);
    const [event] = await pending;
    expect(event).toMatchObject({ eventName: 'OnTime', blockNumber: later.blockNumber });
  });

  it('ends a waiting stream when the ledger closes', async () => {
    const iterator = ledger.chaincodeEvents({ startBlock: 0 })[Symbol.asyncIterator]();
    const next = iterator.next();
    await ledger.close();
    await expect(next).resolves.toEqual({ done: true, value: undefined });
  });
});
