import type { LedgerAccessRequestRecord, LedgerDatasetRecord, LedgerMemberRecord } from '@phdmf/contracts';
import { admitFromProjection, type ProjectionView } from './grant-check';
import { ProjectedAccessRequest, ProjectedDataset, ProjectedMember } from './projection';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const PEM = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n';

function datasetRecord(overrides: Partial<LedgerDatasetRecord> = {}): LedgerDatasetRecord {
  return {
    datasetId: 'ds-1', version: 1, fileName: 'a.csv', sha256: 'a'.repeat(64), rowCount: 10, columnCount: 2, schemaDigest: 'b'.repeat(64), operator: 'op', description: '',
    ownerMemberId: 'org-a', ownerMspId: 'OrgAMSP', status: 'active', createdAt: '2029-01-01T00:00:00Z', updatedAt: '2029-01-01T00:00:00Z', txId: 'tx-d1', ...overrides,
  };
}

function memberRecord(overrides: Partial<LedgerMemberRecord> = {}): LedgerMemberRecord {
  return { memberId: 'org-a', name: 'A', mspId: 'OrgAMSP', status: 'active', nodeId: 'node-a', nodePublicKey: PEM, decidedAt: '2029-01-01T00:00:00Z', updatedAt: '2029-01-01T00:00:00Z', txId: 'tx-m1', ...overrides };
}

function requestRecord(overrides: Partial<LedgerAccessRequestRecord> = {}, grant: Partial<NonNullable<LedgerAccessRequestRecord['grant']>> | null = {}): LedgerAccessRequestRecord {
  return {
    requestId: 'rq-1', datasetId: 'ds-1', datasetVersion: 1, datasetSha256: 'a'.repeat(64), ownerMemberId: 'org-a', ownerMspId: 'OrgAMSP', requester: 'res-1', purpose: 'study',
    columns: ['age', 'bmi'], statistics: ['count', 'mean'], requestedExpiry: '2031-01-01T00:00:00Z', submittedByMspId: 'ConsortiumMSP', requestedAt: '2029-06-01T00:00:00Z', requestTxId: 'tx-r1',
    status: grant === null ? 'pending' : 'granted',
    ...(grant === null ? {} : { grant: { columns: ['age', 'bmi'], statistics: ['count', 'mean'], expiresAt: '2031-01-01T00:00:00Z', operator: 'staff', grantedAt: '2029-06-02T00:00:00Z', txId: 'tx-g1', ...grant } }),
    updatedAt: '2029-06-02T00:00:00Z', txId: 'tx-g1', ...overrides,
  };
}

function view(requests: LedgerAccessRequestRecord[], dataset: LedgerDatasetRecord | null = datasetRecord(), owner: LedgerMemberRecord | null = memberRecord()): ProjectionView {
  return { datasetId: 'ds-1', dataset: dataset ? ProjectedDataset.from(dataset) : null, owner: owner ? ProjectedMember.from(owner) : null, requests: requests.map((r) => ProjectedAccessRequest.from(r)) };
}

const decide = (v: ProjectionView, columns = ['age'], statistics: ('count' | 'mean' | 'sd')[] = ['count', 'mean']) => admitFromProjection(v, 'res-1', NOW, columns, statistics);

describe('the projection gate', () => {
  it('admits a committed grant in force that covers the columns and statistics, naming the node and key to use', () => {
    expect(decide(view([requestRecord()]))).toEqual({ admitted: expect.objectContaining({ grantRequestId: 'rq-1', nodeId: 'node-a', publicKeyPem: PEM }) });
  });

  it.each([
    ['no request at all', [], 'ACCESS.NOT_GRANTED'],
    ['a pending request', [requestRecord({}, null)], 'ACCESS.NOT_GRANTED'],
    ['a denied request', [requestRecord({ status: 'denied', grant: undefined })], 'ACCESS.NOT_GRANTED'],
    ['a revoked grant', [requestRecord({ status: 'revoked' })], 'ACCESS.REVOKED'],
    ['an expired grant', [requestRecord({}, { expiresAt: '2029-12-31T23:59:59Z' })], 'ACCESS.EXPIRED'],
    ['a grant narrower in columns', [requestRecord({}, { columns: ['bmi'] })], 'ACCESS.OUT_OF_SCOPE'],
    ['another requester\'s grant', [requestRecord({ requester: 'res-2' })], 'ACCESS.NOT_GRANTED'],
  ])('refuses %s, naming the dataset', (_what, requests, code) => {
    const verdict = decide(view(requests));
    expect(verdict).toEqual({ refusal: { code, reason: expect.stringContaining('dataset "ds-1"') } });
  });

  it('refuses statistics outside the grant, and reports the refusal closest to usable among several', () => {
    expect(decide(view([requestRecord()]), ['age'], ['sd'])).toMatchObject({ refusal: { code: 'ACCESS.OUT_OF_SCOPE', reason: expect.stringContaining('statistics sd') } });
    const revoked = requestRecord({ requestId: 'rq-old', status: 'revoked' });
    const narrow = requestRecord({ requestId: 'rq-new' }, { statistics: ['count'] });
    expect(decide(view([revoked, narrow]))).toMatchObject({ refusal: { code: 'ACCESS.OUT_OF_SCOPE' } });
  });

  it('picks the longest-lasting of several grants in force, as the ledger does', () => {
    const short = requestRecord({ requestId: 'rq-short' }, { expiresAt: '2030-02-01T00:00:00Z' });
    const long = requestRecord({ requestId: 'rq-long' }, { expiresAt: '2030-06-01T00:00:00Z' });
    expect(decide(view([short, long]))).toMatchObject({ admitted: { grantRequestId: 'rq-long' } });
  });

  it('refuses a dataset unknown, deleted or tampered, and one whose owner has no node on-chain', () => {
    expect(decide(view([requestRecord()], null))).toMatchObject({ refusal: { code: 'DATASET.NOT_FOUND' } });
    expect(decide(view([requestRecord()], datasetRecord({ status: 'deleted' })))).toMatchObject({ refusal: { code: 'DATASET.DELETED' } });
    expect(decide(view([requestRecord()], datasetRecord({ status: 'tampered' })))).toMatchObject({ refusal: { code: 'DATASET.TAMPERED' } });
    expect(decide(view([requestRecord()], datasetRecord(), null))).toMatchObject({ refusal: { code: 'ANALYSIS.NODE_UNKNOWN' } });
    expect(decide(view([requestRecord()], datasetRecord(), memberRecord({ nodePublicKey: undefined })))).toMatchObject({ refusal: { code: 'ANALYSIS.NODE_UNKNOWN' } });
  });
});

describe('the projection applies committed records in order, whatever order they arrive in', () => {
  it('keeps a request\'s later state when an earlier one arrives after it', () => {
    const r = ProjectedAccessRequest.from(requestRecord({ status: 'revoked', txId: 'tx-rev' }));
    expect(r.apply(requestRecord())).toBe(false);
    expect(r.apply(requestRecord({ status: 'pending', grant: undefined, txId: 'tx-r1' }))).toBe(false);
    expect(r.status).toBe('revoked');
    const pending = ProjectedAccessRequest.from(requestRecord({ txId: 'tx-r1' }, null));
    expect(pending.apply(requestRecord())).toBe(true);
    expect(pending.scope()).toEqual({ columns: ['age', 'bmi'], statistics: ['count', 'mean'], expiresAt: '2031-01-01T00:00:00Z' });
  });

  it('keeps a dataset\'s newer version and lifecycle', () => {
    const d = ProjectedDataset.from(datasetRecord({ version: 2, txId: 'tx-v2', sha256: 'c'.repeat(64) }));
    expect(d.apply(datasetRecord())).toBe(false);
    expect(d.sha256).toBe('c'.repeat(64));
    expect(d.applyTamperFinding({ findingId: 'f', datasetId: 'ds-1', datasetVersion: 1, expectedSha256: 'a'.repeat(64), foundSha256: 'd'.repeat(64), nodeId: 'node-a', ownerMemberId: 'org-a', mspId: 'OrgAMSP', detectedAt: '2029-07-01T00:00:00Z', txId: 'tx-f' }, 'tx-f')).toBe(false);
    expect(d.applyTamperFinding({ findingId: 'f', datasetId: 'ds-1', datasetVersion: 2, expectedSha256: 'c'.repeat(64), foundSha256: 'd'.repeat(64), nodeId: 'node-a', ownerMemberId: 'org-a', mspId: 'OrgAMSP', detectedAt: '2029-07-01T00:00:00Z', txId: 'tx-f' }, 'tx-f')).toBe(true);
    expect(d.status).toBe('tampered');
    expect(d.apply(datasetRecord({ version: 2, txId: 'tx-v2b', status: 'active' }))).toBe(false);
    expect(d.apply(datasetRecord({ version: 3, txId: 'tx-v3', status: 'active' }))).toBe(true);
    expect(d.apply(datasetRecord({ version: 3, txId: 'tx-del', status: 'deleted' }))).toBe(true);
    expect(d.status).toBe('deleted');
  });
});
