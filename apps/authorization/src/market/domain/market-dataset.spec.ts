import { datasetRecord } from '../../../test-support/authorization-world';
import { columnsOf, MarketDataset } from './market-dataset';

describe('MarketDataset', () => {
  it('shows the schema with each column\'s type from the committed record, `unknown` where the release recorded none', () => {
    expect(columnsOf(datasetRecord())).toEqual([
      { name: 'age', type: 'numeric' },
      { name: 'sex', type: 'categorical' },
      { name: 'visit', type: 'date' },
    ]);
    const { columnTypes: _none, ...untyped } = datasetRecord();
    expect(columnsOf(untyped)).toEqual([
      { name: 'age', type: 'unknown' },
      { name: 'sex', type: 'unknown' },
      { name: 'visit', type: 'unknown' },
    ]);
    const { columns: _no, columnTypes: _types, ...unnamed } = datasetRecord();
    expect(MarketDataset.fromRecord(unnamed, 1).columnNames()).toBeUndefined();
  });

  it('applies versions in order; an older version, a repeated one, or a tamper mark on an old version changes nothing', () => {
    const v1 = datasetRecord();
    const d = MarketDataset.fromRecord(v1, 4);
    expect(d).toMatchObject({ version: 1, status: 'active', stance: 'open', blockNumber: 4, txId: v1.txId });
    const v2 = { ...v1, version: 2, sha256: 'b'.repeat(64), rowCount: 130, txId: 'tx-v2', updatedAt: new Date(Date.now() + 1000).toISOString() };
    expect(d.applyRecord(v2, 6)).toBe(true);
    expect(d.applyRecord(v1, 4)).toBe(false);
    expect(d.applyRecord(v2, 6)).toBe(false);
    expect(d.applyTamperFinding({ findingId: 'f-old', datasetId: v1.datasetId, datasetVersion: 1, expectedSha256: v1.sha256, foundSha256: 'c'.repeat(64), nodeId: 'n', ownerMemberId: 'hospital-a', mspId: 'm', detectedAt: v2.updatedAt, txId: 'tx-f0' }, 7)).toBe(false);
    expect(d.applyTamperFinding({ findingId: 'f-1', datasetId: v1.datasetId, datasetVersion: 2, expectedSha256: v2.sha256, foundSha256: 'c'.repeat(64), nodeId: 'n', ownerMemberId: 'hospital-a', mspId: 'm', detectedAt: v2.updatedAt, txId: 'tx-f1' }, 8)).toBe(true);
    expect(d).toMatchObject({ status: 'tampered', tamperFindingId: 'f-1', txId: 'tx-f1', blockNumber: 8 });
    // The same version's record, active, arriving late (say from the release's answer) does not clear the mark.
    expect(d.applyRecord(v2, 6)).toBe(false);
    const v3 = { ...v2, version: 3, txId: 'tx-v3' };
    expect(d.applyRecord(v3, 9)).toBe(true);
    expect(d).toMatchObject({ status: 'active', tamperFindingId: null, version: 3 });
    expect(d.applyRecord({ ...v3, version: 4, status: 'deleted', txId: 'tx-del' }, 10)).toBe(true);
    expect(d.applyRecord(v3, 9)).toBe(false);
    expect(d.status).toBe('deleted');
  });

  it('takes the owner\'s stance from the committed record: a later block of the same version wins, an earlier or repeated one changes nothing', () => {
    const v1 = datasetRecord({ name: undefined, fileName: 'cohort-2024.csv' });
    const d = MarketDataset.fromRecord(v1, 3);
    const closedAt = new Date(Date.now() + 1000).toISOString();
    const closed = { ...v1, stance: 'closed' as const, stanceSetBy: 'admin-a', stanceSetAt: closedAt, updatedAt: closedAt, txId: 'tx-close' };
    expect(d.applyRecord(closed, 4)).toBe(true);
    expect(d).toMatchObject({ version: 1, stance: 'closed', stanceSetBy: 'admin-a', stanceSetAt: new Date(closedAt), txId: 'tx-close', blockNumber: 4 });
    // The release itself, redelivered, and the same stance again change nothing.
    expect(d.applyRecord(v1, 3)).toBe(false);
    expect(d.applyRecord(closed, 4)).toBe(false);
    expect(d.stance).toBe('closed');

    // The chaincode carries the stance into a new version.
    d.applyRecord({ ...closed, version: 2, txId: 'tx-2' }, 5);
    const entry = d.toEntry('Hospital A', { state: 'none' });
    expect(entry).toMatchObject({ datasetId: v1.datasetId, name: 'cohort-2024.csv', ownerName: 'Hospital A', stance: 'closed', version: 2, txId: 'tx-2', blockNumber: 5, releasedAt: v1.createdAt, permission: { state: 'none' } });
    expect(d.applyRecord({ ...closed, version: 2, stance: 'open', txId: 'tx-open' }, 7)).toBe(true);
    expect(d.stance).toBe('open');
  });
});
