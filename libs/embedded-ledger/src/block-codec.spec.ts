// The helpers come first: they quiet fabric-contract-api's load-time logging.
import { ORG1, ORG2, openTestLedger, tempDataDir } from '../testing/helpers';
import { blockDataJson } from './block-codec';
import { canonicalJson } from '@phdmf/chaincode/canonical-json';
import type { BlockData, TransactionRecord } from './types';

function record(overrides: Partial<TransactionRecord> = {}): TransactionRecord {
  return {
    txId: 'a'.repeat(64),
    contract: 'kv',
    function: 'put',
    args: ['k', 'line\n"quoted" \u0000 \u{1F600} \ud800', ''],
    creator: { mspId: 'Org1MSP', id: 'x509::CN=alice' },
    timestamp: { seconds: 1_700_000_000, nanos: 123_000_000 },
    readSet: { reads: [], rangeQueries: [] },
    writeSet: [],
    event: null,
    response: '',
    validationCode: 'VALID',
    ...overrides,
  };
}

describe('blockDataJson', () => {
  it('writes the same string as canonicalJson for every kind of transaction record', () => {
    const data: BlockData = {
      transactions: [
        record(),
        record({
          readSet: {
            reads: [
              { key: '\u0000composite\u0000a\u0000', version: { blockNumber: 3, txIndex: 0 } },
              { key: 'k', version: null },
            ],
            rangeQueries: [{ startKey: '\u0001', endKey: '', itrExhausted: true, results: [{ key: 'a', version: { blockNumber: 1, txIndex: 2 } }] }],
          },
          writeSet: [
            { key: 'a', isDelete: true, value: null },
            { key: 'é', isDelete: false, value: Buffer.from('{"x":1}').toString('base64') },
          ],
          event: { name: 'Released', payload: Buffer.from('{}').toString('base64') },
          response: '{"b":2,"a":1}',
          validationCode: 'MVCC_READ_CONFLICT',
        }),
      ],
    };
    expect(blockDataJson(data)).toBe(canonicalJson(data));
    expect(blockDataJson({ transactions: [] })).toBe(canonicalJson({ transactions: [] }));
  });

  it('falls back to canonicalJson for data it does not know the shape of', () => {
    const genesis: BlockData = { transactions: [], config: { ledgerFormat: 1, channelName: 'c', publicKeyPem: 'k', createdAt: 'now' } };
    expect(blockDataJson(genesis)).toBe(canonicalJson(genesis));
    const extended = { ...record(), note: 'a field added later' } as TransactionRecord;
    expect(blockDataJson({ transactions: [extended] })).toBe(canonicalJson({ transactions: [extended] }));
    expect(() => blockDataJson({ transactions: [record({ timestamp: { seconds: Number.NaN, nanos: 0 } })] })).toThrow(TypeError);
  });

  it('agrees with canonicalJson on the blocks a ledger writes', async () => {
    const dir = tempDataDir();
    const ledger = await openTestLedger(dir.dir, { maxTxPerBlock: 4, batchTimeoutMs: 1 });
    try {
      await ledger.submit(ORG1, 'kv', 'put', ['a', 'x']);
      await Promise.all([
        ledger.submit(ORG1, 'kv', 'increment', ['n', '0']),
        ledger.submit(ORG2, 'kv', 'increment', ['n', '0']).catch(() => undefined),
        ledger.submit(ORG1, 'kv', 'putComposite', ['type', 'é', '\u{1F600}', 'v']),
        ledger.submit(ORG1, 'kv', 'emit', ['Event', '{"p":1}']),
      ]);
      await ledger.submit(ORG1, 'kv', 'countRangeThenPut', ['a', 'z', 'count', '0']);
      await ledger.submit(ORG1, 'kv', 'del', ['a']);
      const height = ledger.info().height;
      for (let n = 0; n < height; n++) {
        const { data } = ledger.getBlock(n);
        expect(blockDataJson(data)).toBe(canonicalJson(data));
      }
    } finally {
      await ledger.close();
      dir.cleanup();
    }
  });
});
