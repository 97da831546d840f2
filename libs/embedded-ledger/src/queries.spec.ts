// The helpers come first: they quiet fabric-contract-api's load-time logging.
import { ORG1, openTestLedger, tempDataDir } from '../testing/helpers';
import type { EmbeddedLedger } from './index';

describe('EmbeddedLedger queries from chaincode', () => {
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

  async function put(key: string, value: string): Promise<void> {
    await ledger.submit(ORG1, 'kv', 'put', [key, value]);
  }

  it('encodes composite keys like Fabric and finds them by partial key', async () => {
    await Promise.all([
      ledger.submit(ORG1, 'kv', 'putComposite', ['grant', 'ds-1', 'r-2', 'g12']),
      ledger.submit(ORG1, 'kv', 'putComposite', ['grant', 'ds-1', 'r-1', 'g11']),
      ledger.submit(ORG1, 'kv', 'putComposite', ['grant', 'ds-2', 'r-1', 'g21']),
      ledger.submit(ORG1, 'kv', 'putComposite', ['other', 'ds-1', 'r-1', 'o11']),
      put('grant', 'plain key'),
    ]);
    const all = JSON.parse(await ledger.evaluate(ORG1, 'kv', 'listPartial', ['grant', '[]'])) as unknown[];
    expect(all).toEqual([
      { objectType: 'grant', attributes: ['ds-1', 'r-1'], value: 'g11' },
      { objectType: 'grant', attributes: ['ds-1', 'r-2'], value: 'g12' },
      { objectType: 'grant', attributes: ['ds-2', 'r-1'], value: 'g21' },
    ]);
    const ds1 = JSON.parse(await ledger.evaluate(ORG1, 'kv', 'listPartial', ['grant', '["ds-1"]'])) as unknown[];
    expect(ds1).toHaveLength(2);

    // The stored key is Fabric's encoding: U+0000 objectType U+0000 attr U+0000 attr U+0000.
    const tx = ledger.getBlock(1).data.transactions.find((t) => t.function === 'putComposite' && t.args[3] === 'g11');
    expect(tx?.writeSet[0]?.key).toBe('\u0000grant\u0000ds-1\u0000r-1\u0000');
  });

  it('ranges with start inclusive, end exclusive, and unbounded ends that skip composite keys', async () => {
    await Promise.all(['a', 'b', 'b1', 'c', 'd'].map((k) => put(k, `v-${k}`)));
    await ledger.submit(ORG1, 'kv', 'putComposite', ['type', 'x', 'y', 'composite']);

    const range = (start: string, end: string) => ledger.evaluate(ORG1, 'kv', 'rangeNext', [start, end]).then((r) => JSON.parse(r) as [string, string][]);
    expect(await range('b', 'd')).toEqual([
      ['b', 'v-b'],
      ['b1', 'v-b1'],
      ['c', 'v-c'],
    ]);
    expect((await range('', 'c')).map(([k]) => k)).toEqual(['a', 'b', 'b1']);
    expect((await range('c', '')).map(([k]) => k)).toEqual(['c', 'd']);
    expect((await range('', '')).map(([k]) => k)).toEqual(['a', 'b', 'b1', 'c', 'd']);
    await expect(ledger.evaluate(ORG1, 'kv', 'rangeForAwait', ['a', '', '2', '0'])).resolves.toBe('["a","b"]');
  });

  it('pages through ranges larger than one page in key (UTF-8 byte) order', async () => {
    const keys = Array.from({ length: 250 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    await Promise.all(keys.map((k) => put(k, k)));
    await put('\uffff', 'bmp-last');
    await put('\u{1F600}', 'astral');
    const got = JSON.parse(await ledger.evaluate(ORG1, 'kv', 'rangeNext', ['', ''])) as [string, string][];
    // UTF-8 order puts U+FFFF before U+1F600 (UTF-16 code unit order would not).
    expect(got.map(([k]) => k)).toEqual([...keys, '\uffff', '\u{1F600}']);
  });

  it('rejects range bounds in the composite key namespace, as fabric-shim does', async () => {
    await expect(ledger.evaluate(ORG1, 'kv', 'rangeNext', ['\u0000a', ''])).rejects.toMatchObject({
      code: 'LEDGER.CHAINCODE_ERROR',
      message: 'first character of the key [\u0000a] contains a null character which is not allowed',
    });
  });

  it('returns key history newest first (Fabric 2.x order), including deletes', async () => {
    const t1 = await ledger.submit(ORG1, 'kv', 'put', ['h', 'one']);
    const t2 = await ledger.submit(ORG1, 'kv', 'put', ['h', 'two']);
    const t3 = await ledger.submit(ORG1, 'kv', 'del', ['h']);
    const t4 = await ledger.submit(ORG1, 'kv', 'put', ['h', 'three']);
    const history = JSON.parse(await ledger.evaluate(ORG1, 'kv', 'history', ['h'])) as { txId: string; isDelete: boolean; value: string; seconds: number }[];
    expect(history.map((h) => [h.txId, h.isDelete, h.value])).toEqual([
      [t4.txId, false, 'three'],
      [t3.txId, true, ''],
      [t2.txId, false, 'two'],
      [t1.txId, false, 'one'],
    ]);
    expect(history[0]?.seconds).toBe(ledger.getTransaction(t4.txId).timestamp.seconds);
  });

  it('orders history by block and position within a block', async () => {
    const results = await Promise.all(['1', '2', '3'].map((v) => ledger.submit(ORG1, 'kv', 'put', ['same', v])));
    const history = JSON.parse(await ledger.evaluate(ORG1, 'kv', 'history', ['same'])) as { txId: string }[];
    const expected = [...results].sort((a, b) => b.blockNumber - a.blockNumber || b.txIndex - a.txIndex).map((r) => r.txId);
    expect(history.map((h) => h.txId)).toEqual(expected);
  });
});
