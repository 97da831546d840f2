import './support/quiet';
import { ChaincodeErrorCode, ChaincodeEvent, type DatasetHistoryEntry, type DatasetRecord, type ProvenanceEntry } from '../src';
import {
  accessRequest,
  datasetVersion,
  GOVERNOR_MSP,
  grantDecision,
  HOSPITAL_A,
  HOSPITAL_B,
  rejection,
  sha,
  withDataset,
  withMembers,
} from './support/builders';

const A = { msp: HOSPITAL_A.mspId };
const B = { msp: HOSPITAL_B.mspId };

describe('dataset contract', () => {
  describe('addDataset', () => {
    it('records the version owned by the caller member and emits DatasetAdded', async () => {
      const { ledger, dataset } = await withMembers();
      const record = (await ledger.submit(dataset, 'addDataset', datasetVersion(), A)) as DatasetRecord;

      expect(record).toEqual({
        ...datasetVersion(),
        ownerMemberId: HOSPITAL_A.memberId,
        ownerMspId: HOSPITAL_A.mspId,
        status: 'active',
        createdAt: record.updatedAt,
        updatedAt: record.updatedAt,
        txId: ledger.transactions.at(-1)?.txId,
      });
      expect(ledger.lastEvents()).toEqual([{ name: ChaincodeEvent.DatasetAdded, payload: JSON.stringify(record) }]);
      expect(await ledger.evaluate(dataset, 'getDataset', { datasetId: 'ds-1' }, B)).toEqual(record);
    });

    it('takes the owner from the caller, never from the request', async () => {
      const { ledger, dataset } = await withMembers();
      const error = await rejection(ledger.submit(dataset, 'addDataset', datasetVersion({ ownerMemberId: HOSPITAL_B.memberId }), A));
      expect(error).toEqual({ code: ChaincodeErrorCode.InputInvalid, message: '"ownerMemberId" is not a known field' });
    });

    it('refuses non-members and duplicate ids', async () => {
      const { ledger, dataset } = await withDataset();
      expect((await rejection(ledger.submit(dataset, 'addDataset', datasetVersion({ datasetId: 'ds-2' }), { msp: 'StrangerMSP' }))).code).toBe(
        ChaincodeErrorCode.MemberNotFound,
      );
      expect((await rejection(ledger.submit(dataset, 'addDataset', datasetVersion({ datasetId: 'ds-2' }), { msp: GOVERNOR_MSP }))).code).toBe(
        ChaincodeErrorCode.MemberNotFound,
      );
      expect((await rejection(ledger.submit(dataset, 'addDataset', datasetVersion(), B))).code).toBe(ChaincodeErrorCode.DatasetAlreadyExists);
    });

    it('normalises hashes to lowercase and allows a version without name and columns', async () => {
      const { ledger, dataset } = await withMembers();
      const record = (await ledger.submit(
        dataset,
        'addDataset',
        datasetVersion({ sha256: sha('x').toUpperCase(), name: undefined, columns: null, columnTypes: null }),
        A,
      )) as DatasetRecord;
      expect(record.sha256).toBe(sha('x'));
      expect('name' in record || 'columns' in record || 'columnTypes' in record).toBe(false);
    });

    it('records each column\'s type beside its name, and keeps them through an update and a deletion', async () => {
      const { ledger, dataset } = await withMembers();
      const added = (await ledger.submit(dataset, 'addDataset', datasetVersion({ columnTypes: ['numeric', 'categorical', 'date'] }), A)) as DatasetRecord;
      expect(added).toMatchObject({ columns: ['age', 'bmi', 'sbp'], columnTypes: ['numeric', 'categorical', 'date'] });
      expect(JSON.parse(ledger.lastEvents()[0]?.payload ?? '{}')).toMatchObject({ columnTypes: ['numeric', 'categorical', 'date'] });

      // Each version is complete: a version without types has none, even if the previous one had them.
      const updated = (await ledger.submit(dataset, 'updateDataset', datasetVersion({ version: 2, columnTypes: undefined }), A)) as DatasetRecord;
      expect('columnTypes' in updated).toBe(false);
      const typed = (await ledger.submit(dataset, 'updateDataset', datasetVersion({ version: 3, columnTypes: ['date', 'numeric', 'numeric'] }), A)) as DatasetRecord;
      expect(typed.columnTypes).toEqual(['date', 'numeric', 'numeric']);
      const deleted = (await ledger.submit(dataset, 'deleteDataset', { datasetId: 'ds-1', version: 4, operator: 'staff-2', description: 'withdrawn' }, A)) as DatasetRecord;
      expect(deleted).toMatchObject({ status: 'deleted', columnTypes: ['date', 'numeric', 'numeric'] });
    });

    it('records the owner\'s declared histogram grids of numeric columns, and refuses a malformed one', async () => {
      const { ledger, dataset } = await withMembers();
      const grid = { column: 'age', lower: 0, upper: 120, binWidth: 5 };
      const types = { columnTypes: ['numeric', 'categorical', 'date'] };
      const added = (await ledger.submit(dataset, 'addDataset', datasetVersion({ ...types, columnGrids: [grid] }), A)) as DatasetRecord;
      expect(added.columnGrids).toEqual([grid]);
      for (const bad of [
        { ...grid, column: 'bmi' },
        { ...grid, binWidth: 0 },
        { ...grid, upper: -1 },
        { ...grid, binWidth: 0.001 },
        { ...grid, extra: 1 },
      ]) {
        const error = await rejection(ledger.submit(dataset, 'addDataset', datasetVersion({ ...types, datasetId: 'ds-9', columnGrids: [bad] }), A));
        expect(error.code).toBe(ChaincodeErrorCode.InputInvalid);
      }
    });

    it.each<[Record<string, unknown>, string]>([
      [{ sha256: 'abc' }, '"sha256" must be a SHA-256 digest (64 hexadecimal digits)'],
      [{ schemaDigest: sha('s').replace('a', 'g') }, '"schemaDigest" must be a SHA-256 digest'],
      [{ version: 0 }, '"version" must be at least 1'],
      [{ version: 1.5 }, '"version" must be an integer'],
      [{ rowCount: -1 }, '"rowCount" must be at least 0'],
      [{ columnCount: '3' }, '"columnCount" must be an integer'],
      [{ fileName: '' }, '"fileName" must be 1-255 characters'],
      [{ operator: undefined }, '"operator" is required'],
      [{ description: 'x'.repeat(2001) }, '"description" must be at most 2000 characters'],
      [{ columns: ['age', 'age', 'sbp'] }, '"columns[1]" repeats column "age"'],
      [{ columns: ['age', 7, 'sbp'] }, '"columns[1]" must be a string'],
      [{ columns: ['age', 'bmi'] }, '"columns" lists 2 columns but "columnCount" is 3'],
      [{ columnTypes: ['numeric', 'text', 'date'] }, '"columnTypes[1]" must be one of numeric, categorical, date'],
      [{ columnTypes: ['numeric', null, 'date'] }, '"columnTypes[1]" must be one of numeric, categorical, date'],
      [{ columnTypes: 'numeric' }, '"columnTypes" must be an array'],
      [{ columnTypes: [] }, '"columnTypes" must have 1-1000 items'],
      [{ columnTypes: ['numeric', 'date'] }, '"columnTypes" lists 2 types but "columns" lists 3 columns'],
      [{ columns: undefined, columnTypes: ['numeric', 'numeric', 'numeric'] }, '"columnTypes" is only allowed together with "columns"'],
      [{ datasetId: 'a\u0000b' }, '"datasetId" must be 1-128 characters'],
    ])('validates the version (case %#)', async (overrides, message) => {
      const { ledger, dataset } = await withMembers();
      const error = await rejection(ledger.submit(dataset, 'addDataset', datasetVersion(overrides), A));
      expect(error.code).toBe(ChaincodeErrorCode.InputInvalid);
      expect(error.message).toContain(message);
    });
  });

  describe('updateDataset', () => {
    it('records a newer version by the owner and emits DatasetUpdated', async () => {
      const { ledger, dataset } = await withDataset();
      const v1 = (await ledger.evaluate(dataset, 'getDataset', { datasetId: 'ds-1' }, A)) as DatasetRecord;
      const record = (await ledger.submit(dataset, 'updateDataset', datasetVersion({ version: 2, sha256: sha('cohort v2'), rowCount: 130 }), A)) as DatasetRecord;

      expect(record).toMatchObject({ version: 2, sha256: sha('cohort v2'), rowCount: 130, status: 'active', createdAt: v1.createdAt });
      expect(record.updatedAt > v1.updatedAt).toBe(true);
      expect(ledger.lastEvents()).toEqual([{ name: ChaincodeEvent.DatasetUpdated, payload: JSON.stringify(record) }]);
    });

    it('is refused from another MSP with DATASET.NOT_OWNER', async () => {
      const { ledger, dataset } = await withDataset();
      expect((await rejection(ledger.submit(dataset, 'updateDataset', datasetVersion({ version: 2 }), B))).code).toBe(ChaincodeErrorCode.DatasetNotOwner);
      expect((await rejection(ledger.submit(dataset, 'updateDataset', datasetVersion({ version: 2 }), { msp: GOVERNOR_MSP }))).code).toBe(
        ChaincodeErrorCode.DatasetNotOwner,
      );
    });

    it('needs a strictly increasing version', async () => {
      const { ledger, dataset } = await withDataset();
      await ledger.submit(dataset, 'updateDataset', datasetVersion({ version: 3 }), A);
      for (const version of [1, 3]) {
        const error = await rejection(ledger.submit(dataset, 'updateDataset', datasetVersion({ version }), A));
        expect(error.code).toBe(ChaincodeErrorCode.DatasetVersionConflict);
      }
    });

    it('fails for unknown and deleted datasets', async () => {
      const { ledger, dataset } = await withDataset();
      expect((await rejection(ledger.submit(dataset, 'updateDataset', datasetVersion({ datasetId: 'nope', version: 2 }), A))).code).toBe(
        ChaincodeErrorCode.DatasetNotFound,
      );
      await ledger.submit(dataset, 'deleteDataset', { datasetId: 'ds-1', version: 2, operator: 'staff-7f3a', description: 'withdrawn' }, A);
      expect((await rejection(ledger.submit(dataset, 'updateDataset', datasetVersion({ version: 3 }), A))).code).toBe(ChaincodeErrorCode.DatasetDeleted);
    });
  });

  describe('deleteDataset', () => {
    it('marks the dataset deleted, keeps its hash, and emits DatasetDeleted', async () => {
      const { ledger, dataset } = await withDataset();
      const record = (await ledger.submit(dataset, 'deleteDataset', { datasetId: 'ds-1', version: 2, operator: 'staff-2', description: 'withdrawn' }, A)) as DatasetRecord;

      expect(record).toMatchObject({ datasetId: 'ds-1', version: 2, status: 'deleted', sha256: sha('cohort v1'), operator: 'staff-2', description: 'withdrawn' });
      expect(ledger.lastEvents()).toEqual([{ name: ChaincodeEvent.DatasetDeleted, payload: JSON.stringify(record) }]);
      expect(await ledger.evaluate(dataset, 'getDataset', { datasetId: 'ds-1' }, A)).toEqual(record);
      expect((await rejection(ledger.submit(dataset, 'addDataset', datasetVersion(), A))).code).toBe(ChaincodeErrorCode.DatasetAlreadyExists);
    });

    it('is owner-only, versioned, and refused twice', async () => {
      const { ledger, dataset } = await withDataset();
      const request = { datasetId: 'ds-1', version: 2, operator: 'staff-2', description: '' };
      expect((await rejection(ledger.submit(dataset, 'deleteDataset', request, B))).code).toBe(ChaincodeErrorCode.DatasetNotOwner);
      expect((await rejection(ledger.submit(dataset, 'deleteDataset', { ...request, version: 1 }, A))).code).toBe(ChaincodeErrorCode.DatasetVersionConflict);
      await ledger.submit(dataset, 'deleteDataset', request, A);
      expect((await rejection(ledger.submit(dataset, 'deleteDataset', { ...request, version: 3 }, A))).code).toBe(ChaincodeErrorCode.DatasetDeleted);
    });

    it('validates its request', async () => {
      const { ledger, dataset } = await withDataset();
      const error = await rejection(ledger.submit(dataset, 'deleteDataset', { datasetId: 'ds-1', operator: 'staff-2', description: '' }, A));
      expect(error).toEqual({ code: ChaincodeErrorCode.InputInvalid, message: '"version" is required' });
    });
  });

  describe('setStance', () => {
    it('closes and reopens a dataset to access requests, owner only, and keeps the stance through a new version', async () => {
      const { ledger, dataset, access } = await withDataset();
      const closed = (await ledger.submit(dataset, 'setStance', { datasetId: 'ds-1', stance: 'closed', operator: 'admin-a' }, A)) as DatasetRecord;
      expect(closed).toMatchObject({ datasetId: 'ds-1', version: 1, status: 'active', stance: 'closed', stanceSetBy: 'admin-a', stanceSetAt: closed.updatedAt, txId: ledger.transactions.at(-1)?.txId });
      expect(ledger.lastEvents()).toEqual([{ name: ChaincodeEvent.DatasetStanceSet, payload: JSON.stringify(closed) }]);

      // The chaincode itself refuses requests for a closed dataset, whoever submits them.
      const refused = await rejection(ledger.submit(access, 'requestAccess', accessRequest(), { msp: GOVERNOR_MSP }));
      expect(refused).toEqual({ code: ChaincodeErrorCode.AccessDatasetClosed, message: 'the owner of dataset "ds-1" does not take access requests for it' });
      expect((await rejection(ledger.submit(access, 'requestAccess', accessRequest(), B))).code).toBe(ChaincodeErrorCode.AccessDatasetClosed);

      // A new version keeps the owner's stance.
      const v2 = (await ledger.submit(dataset, 'updateDataset', datasetVersion({ version: 2, sha256: sha('v2') }), A)) as DatasetRecord;
      expect(v2).toMatchObject({ version: 2, stance: 'closed', stanceSetBy: 'admin-a', stanceSetAt: closed.stanceSetAt });
      expect((await rejection(ledger.submit(access, 'requestAccess', accessRequest(), { msp: GOVERNOR_MSP }))).code).toBe(ChaincodeErrorCode.AccessDatasetClosed);

      const reopened = (await ledger.submit(dataset, 'setStance', { datasetId: 'ds-1', stance: 'open', operator: 'admin-a2' }, A)) as DatasetRecord;
      expect(reopened).toMatchObject({ version: 2, stance: 'open', stanceSetBy: 'admin-a2' });
      await ledger.submit(access, 'requestAccess', accessRequest(), { msp: GOVERNOR_MSP });

      // Both stance changes are in the dataset's provenance.
      const provenance = (await ledger.evaluate(dataset, 'getProvenance', { datasetId: 'ds-1' }, B)) as ProvenanceEntry[];
      expect(provenance.filter((e) => e.operation === 'stance').map((e) => [e.datasetVersion, e.description, e.operator, e.organisation])).toEqual([
        [1, 'closed to access requests', 'admin-a', HOSPITAL_A.mspId],
        [2, 'open to access requests', 'admin-a2', HOSPITAL_A.mspId],
      ]);
    });

    it('is refused from another MSP, on unknown and deleted datasets, and validates its request', async () => {
      const { ledger, dataset } = await withDataset();
      const request = { datasetId: 'ds-1', stance: 'closed', operator: 'admin-b' };
      expect((await rejection(ledger.submit(dataset, 'setStance', request, B))).code).toBe(ChaincodeErrorCode.DatasetNotOwner);
      expect((await rejection(ledger.submit(dataset, 'setStance', request, { msp: GOVERNOR_MSP }))).code).toBe(ChaincodeErrorCode.DatasetNotOwner);
      expect((await rejection(ledger.submit(dataset, 'setStance', { ...request, datasetId: 'nope' }, A))).code).toBe(ChaincodeErrorCode.DatasetNotFound);
      expect(await rejection(ledger.submit(dataset, 'setStance', { ...request, stance: 'ajar' }, A))).toEqual({
        code: ChaincodeErrorCode.InputInvalid,
        message: '"stance" must be one of open, closed',
      });
      expect(await rejection(ledger.submit(dataset, 'setStance', { datasetId: 'ds-1', operator: 'admin-a' }, A))).toEqual({
        code: ChaincodeErrorCode.InputInvalid,
        message: '"stance" is required',
      });
      await ledger.submit(dataset, 'deleteDataset', { datasetId: 'ds-1', version: 2, operator: 'staff-2', description: 'withdrawn' }, A);
      expect((await rejection(ledger.submit(dataset, 'setStance', request, A))).code).toBe(ChaincodeErrorCode.DatasetDeleted);
    });
  });

  describe('reads', () => {
    it('getDatasetHistory returns every version in commit order with txId and timestamp', async () => {
      const { ledger, dataset } = await withDataset();
      await ledger.submit(dataset, 'updateDataset', datasetVersion({ version: 2, sha256: sha('v2') }), A);
      await ledger.submit(dataset, 'updateDataset', datasetVersion({ version: 5, sha256: sha('v5') }), A);
      await ledger.submit(dataset, 'deleteDataset', { datasetId: 'ds-1', version: 6, operator: 'staff-2', description: 'gone' }, A);

      const history = (await ledger.evaluate(dataset, 'getDatasetHistory', { datasetId: 'ds-1' }, B)) as DatasetHistoryEntry[];
      expect(history.map((h) => [h.record.version, h.record.status, h.record.sha256])).toEqual([
        [1, 'active', sha('cohort v1')],
        [2, 'active', sha('v2')],
        [5, 'active', sha('v5')],
        [6, 'deleted', sha('v5')],
      ]);
      const writers = ledger.transactions.filter((t) => t.fn.endsWith('Dataset') && t.fn !== 'getDataset');
      expect(history.map((h) => [h.txId, h.timestamp])).toEqual(writers.map((t) => [t.txId, t.timestamp]));
      for (const h of history) expect(h.record.txId).toBe(h.txId);
    });

    it('getProvenance lists every operation on the dataset with hash, operator, organisation, time and txId', async () => {
      const { ledger, dataset, access } = await withDataset();
      await ledger.submit(access, 'requestAccess', accessRequest(), { msp: GOVERNOR_MSP });
      await ledger.submit(access, 'grantAccess', grantDecision({ reason: 'ethics approval 12' }), A);
      await ledger.submit(dataset, 'updateDataset', datasetVersion({ version: 2, sha256: sha('v2'), description: 'cleaned' }), A);

      const provenance = (await ledger.evaluate(dataset, 'getProvenance', { datasetId: 'ds-1' }, B)) as ProvenanceEntry[];
      expect(provenance.map((p) => [p.operation, p.datasetVersion, p.sha256, p.operator, p.organisation, p.memberId, p.referenceId, p.description])).toEqual([
        ['add', 1, sha('cohort v1'), 'staff-7f3a', HOSPITAL_A.mspId, HOSPITAL_A.memberId, undefined, 'first release'],
        ['request', 1, sha('cohort v1'), 'researcher-9c21', GOVERNOR_MSP, undefined, 'req-1', 'blood pressure by age band'],
        ['grant', 1, sha('cohort v1'), 'reviewer-11', HOSPITAL_A.mspId, HOSPITAL_A.memberId, 'req-1', 'ethics approval 12'],
        ['update', 2, sha('v2'), 'staff-7f3a', HOSPITAL_A.mspId, HOSPITAL_A.memberId, undefined, 'cleaned'],
      ]);
      const last4 = ledger.transactions.slice(-4);
      expect(provenance.map((p) => [p.txId, p.timestamp])).toEqual(last4.map((t) => [t.txId, t.timestamp]));
    });

    it('history and provenance of an unknown dataset fail with DATASET.NOT_FOUND', async () => {
      const { ledger, dataset } = await withDataset();
      for (const fn of ['getDataset', 'getDatasetHistory', 'getProvenance'] as const) {
        expect((await rejection(ledger.evaluate(dataset, fn, { datasetId: 'nope' }, A))).code).toBe(ChaincodeErrorCode.DatasetNotFound);
      }
    });

    it('listDatasets lists all datasets, optionally of one owner', async () => {
      const { ledger, dataset } = await withDataset();
      await ledger.submit(dataset, 'addDataset', datasetVersion({ datasetId: 'ds-0', sha256: sha('b') }), B);
      const all = (await ledger.evaluate(dataset, 'listDatasets', {}, A)) as DatasetRecord[];
      expect(all.map((d) => [d.datasetId, d.ownerMemberId])).toEqual([
        ['ds-0', HOSPITAL_B.memberId],
        ['ds-1', HOSPITAL_A.memberId],
      ]);
      const ofB = (await ledger.evaluate(dataset, 'listDatasets', { ownerMemberId: HOSPITAL_B.memberId }, A)) as DatasetRecord[];
      expect(ofB.map((d) => d.datasetId)).toEqual(['ds-0']);
    });
  });
});
