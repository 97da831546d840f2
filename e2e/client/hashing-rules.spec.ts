// The client's verification helpers hash as the services and ledgers do — one test holds each pair
// equal: the aggregation's result hash, the embedded ledger's block hash, and Fabric's header hash
// through the ledger service's own block decoding. And each helper refuses what was changed.
import { common } from '@hyperledger/fabric-protos';
import { blockHash } from '@phdmf/embedded-ledger';
import { analysisResultHash, blockHeaderHash, verifyAnalysis, verifyBlocks, type ShownBlock } from '@phdmf/client';
import { resultHashOf, type ReleasedResult } from '../../apps/aggregation/src/analyses/domain/result';
import { decodeBlock, toLedgerBlock } from '../../apps/ledger/src/ledger-port/fabric/fabric-blocks';

// A released result with what makes canonical JSON differ from JSON.stringify: unsorted keys at
// every depth, an absent optional field, numbers in exponent form, -0, non-ASCII text.
const released = {
  status: 'complete',
  analysisId: 'an-7f3c',
  requester: 'u-1',
  request: { datasets: ['ds-b', 'ds-a'], columns: ['systolic_bp'], statistics: ['count', 'mean'], breakdown: false, allowPartial: false },
  siteStatistics: ['count', 'sum'],
  poolMinCount: 10,
  datasets: [{ nodeId: 'site-north', datasetId: 'ds-a', datasetVersion: 1, sha256: 'ab'.repeat(32), status: 'used' }],
  columns: [{ name: 'systolic_bp', count: 1500, mean: 131.25000000000003, sd: 1e-7, min: -0, max: 1e21, note: 'Größe ≥ 0' }],
  createdAt: '2026-12-06T22:00:00.000Z',
} as unknown as ReleasedResult;

describe('the client hashes as the services do', () => {
  it("recomputes the aggregation's result hash from the answer as the wire carries it", async () => {
    const expected = resultHashOf(released);
    const answer = JSON.parse(JSON.stringify({ ...released, resultHash: expected, txId: 'tx-1', blockNumber: 9 })) as { resultHash: string; txId: string; blockNumber: number };
    expect(await analysisResultHash(answer)).toBe(expected);

    const tx = { txId: 'tx-1', blockNumber: 9, validationCode: 'VALID', args: [JSON.stringify({ analysisId: 'an-7f3c', resultHash: expected })] };
    expect(await verifyAnalysis(answer, tx)).toMatchObject({ ok: true, computedHash: expected, onChainHash: expected, problems: [] });

    // A number changed after the fact, a result recorded elsewhere, an invalid transaction: each named.
    const altered = JSON.parse(JSON.stringify(answer)) as typeof answer & { columns: { mean: number }[] };
    altered.columns[0]!.mean = 131.3;
    const found = await verifyAnalysis(altered, { ...tx, blockNumber: 10, validationCode: 'MVCC_READ_CONFLICT' });
    expect(found.ok).toBe(false);
    expect(found.problems).toHaveLength(4);
  });

  it("computes the embedded ledger's block hash and Fabric's header hash (via the ledger's own decoding)", async () => {
    for (const number of [0, 1, 127, 128, 255, 256, 65_535, 2 ** 40]) {
      const header = { number, previousHash: number === 0 ? '' : 'c3'.repeat(32), dataHash: '5e'.repeat(32) };
      expect(await blockHeaderHash(header as ShownBlock, 'embedded')).toBe(blockHash(header));

      const protoHeader = new common.BlockHeader();
      protoHeader.setNumber(number);
      protoHeader.setPreviousHash(Buffer.from(header.previousHash, 'hex'));
      protoHeader.setDataHash(Buffer.from(header.dataHash, 'hex'));
      const block = new common.Block();
      block.setHeader(protoHeader);
      block.setData(new common.BlockData());
      const metadata = new common.BlockMetadata();
      metadata.setMetadataList([new Uint8Array(), new Uint8Array(), new Uint8Array(), new Uint8Array(), new Uint8Array()]);
      block.setMetadata(metadata);
      const shown = toLedgerBlock(decodeBlock(block.serializeBinary()));
      expect(await blockHeaderHash(shown, 'fabric')).toBe(shown.hash);
    }
  });

  it('verifies a chain of blocks and names a changed hash and a broken link', async () => {
    const chain: ShownBlock[] = [];
    for (let number = 0; number < 4; number++) {
      const header = { number, previousHash: chain[number - 1]?.hash ?? '', dataHash: String(number).repeat(64) };
      chain.push({ ...header, hash: blockHash(header) });
    }
    expect((await verifyBlocks(chain)).map((b) => [b.number, b.rule, b.linked, b.ok])).toEqual([
      [0, 'embedded', true, true],
      [1, 'embedded', true, true],
      [2, 'embedded', true, true],
      [3, 'embedded', true, true],
    ]);

    // Block 2's data replaced, its hash recomputed to match: its own hash holds, block 3's link does not.
    const forged = chain.map((b) => ({ ...b }));
    const header2 = { number: 2, previousHash: forged[1]!.hash, dataHash: 'f'.repeat(64) };
    forged[2] = { ...header2, hash: blockHash(header2) };
    const found = await verifyBlocks(forged);
    expect(found.map((b) => b.ok)).toEqual([true, true, true, false]);
    expect(found[3]!.problems).toEqual(["block 3's previousHash is not block 2's hash"]);

    // A hash shown for another header is no block's hash.
    expect((await verifyBlocks([{ ...chain[1]!, dataHash: '0'.repeat(64) }]))[0]).toMatchObject({ rule: undefined, ok: false });
  });
});
