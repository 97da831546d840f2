// The helpers come first: they quiet fabric-contract-api's load-time logging.
import { ORG1, openTestLedger, runConcurrently, tempDataDir } from '../testing/helpers';
import { CommitPipeline, spawnCommitter } from './commit-pipeline';
import { EmbeddedLedgerErrorCode, type ChaincodeEventRecord, type EmbeddedLedger } from './index';

/** Makes the next committer thread exit right after it committed block `block`, before it answers. */
function dieAfterCommitting(block: number): string {
  return `const { parentPort } = require('node:worker_threads');
const post = parentPort.postMessage.bind(parentPort);
parentPort.postMessage = (m) => { if (m.kind === 'committed' && m.block.number === ${block}) process.exit(7); post(m); };`;
}

/** Makes the next committer thread exit when it is handed its `n`th block, before committing it. */
function dieOnBlock(n: number): string {
  return `let blocks = 0;
require('node:worker_threads').parentPort.on('message', (m) => { if (m.kind === 'commit' && ++blocks === ${n}) process.exit(7); });`;
}

describe('EmbeddedLedger commit pipeline', () => {
  let dir: ReturnType<typeof tempDataDir>;
  let ledger: EmbeddedLedger | undefined;

  beforeEach(() => {
    dir = tempDataDir();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await ledger?.close();
    ledger = undefined;
    dir.cleanup();
  });

  /** Opens the ledger with a committer thread that runs `prelude` first. */
  async function openWithCommitter(prelude: string): Promise<EmbeddedLedger> {
    const start = CommitPipeline.start.bind(CommitPipeline);
    jest.spyOn(CommitPipeline, 'start').mockImplementationOnce((data, logger) => start(data, logger, () => spawnCommitter(prelude)));
    return openTestLedger(dir.dir, { maxTxPerBlock: 2, batchTimeoutMs: 1 });
  }

  it('answers the submits of a block committed by a thread that died before answering, from the database', async () => {
    const l = (ledger = await openWithCommitter(dieAfterCommitting(2)));
    await expect(l.submit(ORG1, 'kv', 'put', ['a', '1'])).resolves.toMatchObject({ blockNumber: 1 });
    const [x, y] = await Promise.all([l.submit(ORG1, 'kv', 'put', ['b', '2']), l.submit(ORG1, 'kv', 'put', ['c', '3'])]);
    expect([x.blockNumber, x.txIndex, y.blockNumber, y.txIndex]).toEqual([2, 0, 2, 1]);
    expect(l.info().height).toBe(3);
    await expect(l.evaluate(ORG1, 'kv', 'get', ['c'])).resolves.toBe('3');
    // Nothing can commit any more; the ledger says so instead of hanging.
    await expect(l.submit(ORG1, 'kv', 'put', ['d', '4'])).rejects.toMatchObject({ code: EmbeddedLedgerErrorCode.STORAGE });
    await l.close();
    ledger = await openTestLedger(dir.dir);
    await expect(ledger.verifyChain()).resolves.toEqual({ ok: true, height: 3 });
    await expect(ledger.submit(ORG1, 'kv', 'put', ['d', '4'])).resolves.toMatchObject({ blockNumber: 3 });
  });

  it('rejects the submits of a block the dying thread never committed, and keeps the chain whole', async () => {
    const l = (ledger = await openWithCommitter(dieOnBlock(2)));
    await expect(l.submit(ORG1, 'kv', 'put', ['a', '1'])).resolves.toMatchObject({ blockNumber: 1 });
    await expect(l.submit(ORG1, 'kv', 'put', ['b', '2'])).rejects.toMatchObject({ code: EmbeddedLedgerErrorCode.STORAGE });
    expect(l.info().height).toBe(2);
    await expect(l.evaluate(ORG1, 'kv', 'get', ['b'])).resolves.toBe('');
    await l.close();
    ledger = await openTestLedger(dir.dir);
    await expect(ledger.verifyChain()).resolves.toEqual({ ok: true, height: 2 });
  });

  it('serves a key read after its update with the new value, and never the bytes a chaincode scribbled over', async () => {
    const l = (ledger = await openTestLedger(dir.dir));
    await l.submit(ORG1, 'kv', 'put', ['k', 'one']);
    await expect(l.evaluate(ORG1, 'kv', 'getThenScribble', ['k'])).resolves.toBe('one');
    await expect(l.evaluate(ORG1, 'kv', 'getThenScribble', ['k'])).resolves.toBe('one');
    await expect(l.evaluate(ORG1, 'kv', 'get', ['k'])).resolves.toBe('one');
    await l.submit(ORG1, 'kv', 'put', ['k', 'two']);
    await expect(l.evaluate(ORG1, 'kv', 'get', ['k'])).resolves.toBe('two');
    await l.submit(ORG1, 'kv', 'del', ['k']);
    await expect(l.evaluate(ORG1, 'kv', 'get', ['k'])).resolves.toBe('');
    // A read-modify-write right after a commit reads the committed value: no conflict, no lost update.
    for (let i = 0; i < 5; i++) {
      await l.submit(ORG1, 'kv', 'increment', ['n', '0']);
    }
    await expect(l.evaluate(ORG1, 'kv', 'get', ['n'])).resolves.toBe('5');
  });

  it('streams every event once and in order, live and from any checkpoint, however far behind the reader is', async () => {
    const l = (ledger = await openTestLedger(dir.dir, { maxTxPerBlock: 500 }));
    const count = 3000; // more than the ledger keeps in memory (1,024 to 2,048 events)
    const live: ChaincodeEventRecord[] = [];
    const liveDone = (async () => {
      for await (const e of l.chaincodeEvents({ startBlock: l.info().height })) {
        live.push(e);
        if (live.length === count) break;
      }
    })();
    const results = await runConcurrently(count, 256, (i) => l.submit(ORG1, 'kv', 'emit', ['E', String(i)]));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    await liveDone;

    const expected = results
      .map((r) => (r.status === 'fulfilled' ? r.value : undefined))
      .filter((r) => r !== undefined)
      .sort((a, b) => a.blockNumber - b.blockNumber || a.txIndex - b.txIndex)
      .map((r) => r.txId);
    expect(live.map((e) => e.txId)).toEqual(expected);

    // A reader starting from the beginning, and one resuming at a checkpoint long gone from memory.
    const all: string[] = [];
    for await (const e of l.chaincodeEvents({ startBlock: 0 })) {
      all.push(e.txId);
      if (all.length === count) break;
    }
    expect(all).toEqual(expected);
    const checkpoint = live[100];
    const resumed: ChaincodeEventRecord[] = [];
    const tail = (async () => {
      for await (const e of l.chaincodeEvents({ startBlock: checkpoint?.blockNumber ?? -1, afterTxId: checkpoint?.txId ?? '' })) {
        resumed.push(e);
        if (resumed.length === count - 101 + 1) break;
      }
    })();
    // ...which goes on to receive a new event live, once.
    const after = await l.submit(ORG1, 'kv', 'emit', ['E', 'after']);
    await tail;
    expect(resumed.map((e) => e.txId)).toEqual([...expected.slice(101), after.txId]);
    expect(Buffer.from(resumed[resumed.length - 1]?.payload ?? []).toString()).toBe('after');
  });
});
