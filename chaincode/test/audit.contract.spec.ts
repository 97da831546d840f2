import './support/quiet';
import {
  ChaincodeErrorCode,
  ChaincodeEvent,
  type AnalysisRecord,
  type DatasetHistoryEntry,
  type DatasetRecord,
  type ProvenanceEntry,
  type TamperFindingRecord,
} from '../src';
import {
  accessRequest,
  analysis,
  datasetVersion,
  GOVERNOR_MSP,
  grantDecision,
  HOSPITAL_A,
  HOSPITAL_B,
  rejection,
  sha,
  tamperFinding,
  withDataset,
  withGrant,
  withRequest,
  type World,
} from './support/builders';

const A = { msp: HOSPITAL_A.mspId };
const B = { msp: HOSPITAL_B.mspId };
const GOV = { msp: GOVERNOR_MSP };

/** Adds dataset ds-2 of hospital B with a granted request req-2 for the same researcher. */
async function withSecondGrant(w: World): Promise<World> {
  await w.ledger.submit(w.dataset, 'addDataset', datasetVersion({ datasetId: 'ds-2', sha256: sha('b v1') }), B);
  await w.ledger.submit(w.access, 'requestAccess', accessRequest({ requestId: 'req-2', datasetId: 'ds-2' }), GOV);
  await w.ledger.submit(w.access, 'grantAccess', grantDecision({ requestId: 'req-2' }), B);
  return w;
}

const twoGrants = analysis({
  grants: [
    { requestId: 'req-1', datasetId: 'ds-1', sha256: sha('cohort v1') },
    { requestId: 'req-2', datasetId: 'ds-2', sha256: sha('b v1') },
  ],
});

describe('audit contract', () => {
  describe('recordAnalysis', () => {
    it('records an analysis over several datasets, logs it in each provenance and emits AnalysisRecorded', async () => {
      const w = await withSecondGrant(await withGrant());
      const record = (await w.ledger.submit(w.audit, 'recordAnalysis', twoGrants, GOV)) as AnalysisRecord;

      expect(record).toEqual({
        analysisId: 'an-1',
        requester: 'researcher-9c21',
        grants: [
          { requestId: 'req-1', datasetId: 'ds-1', sha256: sha('cohort v1'), datasetVersion: 1 },
          { requestId: 'req-2', datasetId: 'ds-2', sha256: sha('b v1'), datasetVersion: 1 },
        ],
        statistics: ['mean'],
        columns: ['sbp'],
        resultHash: sha('result 1'),
        recordedByMspId: GOVERNOR_MSP,
        recordedAt: record.recordedAt,
        txId: record.txId,
      });
      expect(w.ledger.lastEvents()).toEqual([{ name: ChaincodeEvent.AnalysisRecorded, payload: JSON.stringify(record) }]);
      expect(await w.ledger.evaluate(w.audit, 'getAnalysis', { analysisId: 'an-1' }, A)).toEqual(record);
      for (const datasetId of ['ds-1', 'ds-2']) {
        const provenance = (await w.ledger.evaluate(w.dataset, 'getProvenance', { datasetId }, A)) as ProvenanceEntry[];
        expect(provenance.at(-1)).toMatchObject({ operation: 'analysis', referenceId: 'an-1', operator: 'researcher-9c21', organisation: GOVERNOR_MSP, txId: record.txId });
      }
    });

    it('records a model (table, correlation, GLM) as one analysis with that one statistic, a GLM with its iterations, inside the grant', async () => {
      const w = await withDataset();
      await w.ledger.submit(w.access, 'requestAccess', accessRequest({ statistics: ['count', 'table', 'correlation', 'glm'] }), GOV);
      await w.ledger.submit(w.access, 'grantAccess', grantDecision({ statistics: ['count', 'glm'] }), A);
      const record = (await w.ledger.submit(w.audit, 'recordAnalysis', analysis({ statistics: ['glm'], columns: ['age', 'sbp'], iterations: 4 }), GOV)) as AnalysisRecord;
      expect(record).toMatchObject({ statistics: ['glm'], columns: ['age', 'sbp'], iterations: 4 });
      expect(await w.ledger.evaluate(w.audit, 'getAnalysis', { analysisId: 'an-1' }, A)).toEqual(record);
      // The grant covers GLMs only: a correlation matrix over the same columns is out of its scope.
      expect((await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis({ analysisId: 'an-2', statistics: ['correlation'], columns: ['age', 'sbp'] }), GOV))).code).toBe(
        ChaincodeErrorCode.AccessOutOfScope,
      );
    });

    it.each([
      ['a model beside another statistic', { statistics: ['count', 'glm'], iterations: 3 }],
      ['a GLM without its iterations', { statistics: ['glm'] }],
      ['iterations on a table', { statistics: ['table'], iterations: 1 }],
      ['iterations on a summary', { statistics: ['mean'], iterations: 1 }],
      ['negative iterations', { statistics: ['glm'], iterations: -1 }],
    ])('refuses %s as malformed', async (_what, overrides) => {
      const w = await withGrant();
      expect((await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis(overrides), GOV))).code).toBe(ChaincodeErrorCode.InputInvalid);
    });

    it('is reserved to the governing MSP, even for the data owner', async () => {
      const w = await withGrant();
      for (const caller of [A, B]) {
        expect((await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis(), caller))).code).toBe(ChaincodeErrorCode.ConsortiumNotGovernor);
      }
    });

    it('refuses a revoked grant and records nothing', async () => {
      const w = await withSecondGrant(await withGrant());
      await w.ledger.submit(w.access, 'revokeAccess', { requestId: 'req-2', operator: 'r', reason: 'x' }, B);
      const before = w.ledger.dump();
      expect((await rejection(w.ledger.submit(w.audit, 'recordAnalysis', twoGrants, GOV))).code).toBe(ChaincodeErrorCode.AccessRevoked);
      expect(w.ledger.dump()).toEqual(before);
    });

    it('refuses an expired grant, evaluated at the transaction timestamp', async () => {
      const w = await withGrant();
      const error = await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis(), { ...GOV, time: '2031-01-01T00:00:00Z' }));
      expect(error.code).toBe(ChaincodeErrorCode.AccessExpired);
    });

    it('refuses a use outside the grant scope', async () => {
      const w = await withGrant(undefined, { columns: ['sbp'] });
      expect((await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis({ columns: ['sbp', 'age'] }), GOV))).code).toBe(
        ChaincodeErrorCode.AccessOutOfScope,
      );
      expect((await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis({ statistics: ['histogram'] }), GOV))).code).toBe(
        ChaincodeErrorCode.AccessOutOfScope,
      );
    });

    it('refuses a pending request, another requester, and a request for another dataset', async () => {
      const w = await withRequest();
      expect((await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis(), GOV))).code).toBe(ChaincodeErrorCode.AccessNotGranted);
      await w.ledger.submit(w.access, 'grantAccess', grantDecision(), A);
      expect((await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis({ requester: 'someone-else' }), GOV))).code).toBe(
        ChaincodeErrorCode.AccessNotGranted,
      );
      await w.ledger.submit(w.dataset, 'addDataset', datasetVersion({ datasetId: 'ds-2' }), B);
      const wrongDataset = analysis({ grants: [{ requestId: 'req-1', datasetId: 'ds-2', sha256: sha('cohort v1') }] });
      expect((await rejection(w.ledger.submit(w.audit, 'recordAnalysis', wrongDataset, GOV))).code).toBe(ChaincodeErrorCode.AccessNotGranted);
    });

    it('refuses an analysis of a version the grant does not cover', async () => {
      const w = await withGrant();
      await w.ledger.submit(w.dataset, 'updateDataset', datasetVersion({ version: 2, sha256: sha('cohort v2') }), A);
      const current = analysis({ grants: [{ requestId: 'req-1', datasetId: 'ds-1', sha256: sha('cohort v2') }] });
      expect((await rejection(w.ledger.submit(w.audit, 'recordAnalysis', current, GOV))).code).toBe(ChaincodeErrorCode.AccessVersionNotCovered);
    });

    it('refuses a hash that is not the current on-chain hash', async () => {
      const w = await withGrant(undefined, { followsUpdates: true });
      await w.ledger.submit(w.dataset, 'updateDataset', datasetVersion({ version: 2, sha256: sha('cohort v2') }), A);
      const error = await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis(), GOV));
      expect(error.code).toBe(ChaincodeErrorCode.DatasetHashMismatch);
      const current = analysis({ grants: [{ requestId: 'req-1', datasetId: 'ds-1', sha256: sha('cohort v2') }] });
      expect(await w.ledger.submit(w.audit, 'recordAnalysis', current, GOV)).toMatchObject({ grants: [{ datasetVersion: 2 }] });
    });

    it('refuses a tampered or deleted dataset', async () => {
      const w = await withGrant();
      await w.ledger.submit(w.audit, 'recordTamperFinding', tamperFinding(), A);
      expect((await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis(), GOV))).code).toBe(ChaincodeErrorCode.DatasetTampered);
      await w.ledger.submit(w.dataset, 'deleteDataset', { datasetId: 'ds-1', version: 2, operator: 'staff-1', description: '' }, A);
      expect((await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis(), GOV))).code).toBe(ChaincodeErrorCode.DatasetDeleted);
    });

    it('refuses a duplicate analysis id', async () => {
      const w = await withGrant();
      await w.ledger.submit(w.audit, 'recordAnalysis', analysis(), GOV);
      expect((await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis(), GOV))).code).toBe(ChaincodeErrorCode.AuditAnalysisAlreadyExists);
    });

    it.each<[Record<string, unknown>, string]>([
      [{ grants: [] }, '"grants" must have 1-100 items'],
      [{ grants: [{ requestId: 'req-1', datasetId: 'ds-1', sha256: 'nope' }] }, '"grants[0].sha256" must be a SHA-256 digest'],
      [{ grants: [{ requestId: 'req-1', datasetId: 'ds-1' }] }, '"grants[0].sha256" is required'],
      [{ grants: [{ requestId: 'req-1', datasetId: 'ds-1', sha256: sha('x'), extra: 1 }] }, '"grants[0].extra" is not a known field'],
      [{ grants: ['req-1'] }, '"grants[0]" must be a JSON object'],
      [
        {
          grants: [
            { requestId: 'req-1', datasetId: 'ds-1', sha256: sha('x') },
            { requestId: 'req-2', datasetId: 'ds-1', sha256: sha('x') },
          ],
        },
        '"grants[1].datasetId" repeats dataset "ds-1"',
      ],
      [{ resultHash: undefined }, '"resultHash" is required'],
      [{ statistics: [] }, '"statistics" must have 1-13 items'],
    ])('validates the request (case %#)', async (overrides, message) => {
      const w = await withGrant();
      const error = await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis(overrides), GOV));
      expect(error.code).toBe(ChaincodeErrorCode.InputInvalid);
      expect(error.message).toContain(message);
    });
  });

  describe('recordTamperFinding', () => {
    it('records the finding, marks the dataset tampered and emits TamperDetected', async () => {
      const w = await withDataset();
      const finding = (await w.ledger.submit(w.audit, 'recordTamperFinding', tamperFinding(), A)) as TamperFindingRecord;

      expect(finding).toEqual({
        ...tamperFinding(),
        datasetVersion: 1,
        ownerMemberId: HOSPITAL_A.memberId,
        mspId: HOSPITAL_A.mspId,
        detectedAt: finding.detectedAt,
        txId: finding.txId,
      });
      expect(w.ledger.lastEvents()).toEqual([{ name: ChaincodeEvent.TamperDetected, payload: JSON.stringify(finding) }]);
      const dataset = (await w.ledger.evaluate(w.dataset, 'getDataset', { datasetId: 'ds-1' }, B)) as DatasetRecord;
      expect(dataset).toMatchObject({ status: 'tampered', tamperFindingId: 'finding-1', version: 1, sha256: sha('cohort v1') });
      expect(await w.ledger.evaluate(w.audit, 'listFindings', { datasetId: 'ds-1' }, B)).toEqual([finding]);
      const provenance = (await w.ledger.evaluate(w.dataset, 'getProvenance', { datasetId: 'ds-1' }, B)) as ProvenanceEntry[];
      expect(provenance.at(-1)).toMatchObject({ operation: 'tamper', referenceId: 'finding-1', operator: HOSPITAL_A.nodeId, txId: finding.txId });
    });

    it('is cleared by a new version from the owner (which stays in history)', async () => {
      const w = await withDataset();
      await w.ledger.submit(w.audit, 'recordTamperFinding', tamperFinding(), A);
      const fixed = (await w.ledger.submit(w.dataset, 'updateDataset', datasetVersion({ version: 2, sha256: sha('restored') }), A)) as DatasetRecord;
      expect(fixed.status).toBe('active');
      expect(fixed.tamperFindingId).toBeUndefined();
      const history = (await w.ledger.evaluate(w.dataset, 'getDatasetHistory', { datasetId: 'ds-1' }, A)) as DatasetHistoryEntry[];
      expect(history.map((h) => [h.record.version, h.record.status])).toEqual([
        [1, 'active'],
        [1, 'tampered'],
        [2, 'active'],
      ]);
    });

    it('is accepted only from the dataset owner MSP', async () => {
      const w = await withDataset();
      for (const caller of [B, GOV]) {
        expect((await rejection(w.ledger.submit(w.audit, 'recordTamperFinding', tamperFinding(), caller))).code).toBe(ChaincodeErrorCode.DatasetNotOwner);
      }
    });

    it('refuses a stale expected hash, a non-finding, a duplicate, and a deleted or unknown dataset', async () => {
      const w = await withDataset();
      expect((await rejection(w.ledger.submit(w.audit, 'recordTamperFinding', tamperFinding({ expectedSha256: sha('old') }), A))).code).toBe(
        ChaincodeErrorCode.DatasetHashMismatch,
      );
      expect((await rejection(w.ledger.submit(w.audit, 'recordTamperFinding', tamperFinding({ foundSha256: sha('cohort v1') }), A))).code).toBe(
        ChaincodeErrorCode.InputInvalid,
      );
      await w.ledger.submit(w.audit, 'recordTamperFinding', tamperFinding(), A);
      expect((await rejection(w.ledger.submit(w.audit, 'recordTamperFinding', tamperFinding(), A))).code).toBe(ChaincodeErrorCode.AuditFindingAlreadyExists);
      expect((await rejection(w.ledger.submit(w.audit, 'recordTamperFinding', tamperFinding({ datasetId: 'nope' }), A))).code).toBe(
        ChaincodeErrorCode.DatasetNotFound,
      );
      await w.ledger.submit(w.dataset, 'deleteDataset', { datasetId: 'ds-1', version: 2, operator: 'staff-1', description: '' }, A);
      expect((await rejection(w.ledger.submit(w.audit, 'recordTamperFinding', tamperFinding({ findingId: 'finding-2' }), A))).code).toBe(
        ChaincodeErrorCode.DatasetDeleted,
      );
    });

    it('validates its request', async () => {
      const w = await withDataset();
      expect(await rejection(w.ledger.submit(w.audit, 'recordTamperFinding', tamperFinding({ nodeId: '' }), A))).toMatchObject({
        code: ChaincodeErrorCode.InputInvalid,
        message: expect.stringContaining('"nodeId"') as string,
      });
    });
  });

  describe('reads', () => {
    it('getAnalysis fails with AUDIT.ANALYSIS_NOT_FOUND; listFindings is empty for a clean dataset and fails for an unknown one', async () => {
      const w = await withDataset();
      expect((await rejection(w.ledger.evaluate(w.audit, 'getAnalysis', { analysisId: 'nope' }, GOV))).code).toBe(ChaincodeErrorCode.AuditAnalysisNotFound);
      expect(await w.ledger.evaluate(w.audit, 'listFindings', { datasetId: 'ds-1' }, GOV)).toEqual([]);
      expect((await rejection(w.ledger.evaluate(w.audit, 'listFindings', { datasetId: 'nope' }, GOV))).code).toBe(ChaincodeErrorCode.DatasetNotFound);
    });
  });
});
