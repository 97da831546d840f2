import './support/quiet';
import { ChaincodeErrorCode, ChaincodeEvent, type AccessCheck, type AccessRequestRecord } from '../src';
import {
  accessRequest,
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
const use = { datasetId: 'ds-1', requester: 'researcher-9c21', columns: ['sbp'], statistics: ['mean'] };

async function check(world: World, overrides: Record<string, unknown> = {}, time?: string): Promise<AccessCheck> {
  return (await world.ledger.evaluate(world.access, 'checkAccess', { ...use, ...overrides }, time === undefined ? GOV : { ...GOV, time })) as AccessCheck;
}

describe('access contract', () => {
  describe('requestAccess', () => {
    it('records a pending request with the dataset hash and emits AccessRequested', async () => {
      const { ledger, access } = await withDataset();
      const record = (await ledger.submit(access, 'requestAccess', accessRequest(), GOV)) as AccessRequestRecord;

      expect(record).toEqual({
        ...accessRequest(),
        requestedExpiry: '2031-01-01T00:00:00.000Z',
        datasetVersion: 1,
        datasetSha256: sha('cohort v1'),
        ownerMemberId: HOSPITAL_A.memberId,
        ownerMspId: HOSPITAL_A.mspId,
        submittedByMspId: GOVERNOR_MSP,
        status: 'pending',
        requestedAt: record.updatedAt,
        requestTxId: record.txId,
        updatedAt: record.updatedAt,
        txId: record.txId,
      });
      expect(ledger.lastEvents()).toEqual([{ name: ChaincodeEvent.AccessRequested, payload: JSON.stringify(record) }]);
    });

    it('may be submitted by any active member MSP, but not by an outsider', async () => {
      const { ledger, access } = await withDataset();
      const record = (await ledger.submit(access, 'requestAccess', accessRequest({ requesterOrg: undefined }), B)) as AccessRequestRecord;
      expect(record.submittedByMspId).toBe(HOSPITAL_B.mspId);
      expect((await rejection(ledger.submit(access, 'requestAccess', accessRequest({ requestId: 'req-2' }), { msp: 'StrangerMSP' }))).code).toBe(
        ChaincodeErrorCode.MemberNotFound,
      );
    });

    it('refuses a duplicate id, an unknown or deleted dataset', async () => {
      const { ledger, access, dataset } = await withRequest();
      expect((await rejection(ledger.submit(access, 'requestAccess', accessRequest(), GOV))).code).toBe(ChaincodeErrorCode.AccessRequestAlreadyExists);
      expect((await rejection(ledger.submit(access, 'requestAccess', accessRequest({ requestId: 'req-2', datasetId: 'nope' }), GOV))).code).toBe(
        ChaincodeErrorCode.DatasetNotFound,
      );
      await ledger.submit(dataset, 'deleteDataset', { datasetId: 'ds-1', version: 2, operator: 'staff-1', description: '' }, A);
      expect((await rejection(ledger.submit(access, 'requestAccess', accessRequest({ requestId: 'req-2' }), GOV))).code).toBe(ChaincodeErrorCode.DatasetDeleted);
    });

    it.each<[Record<string, unknown>, string]>([
      [{ columns: ['age', 'weight'] }, '"columns" names columns not in dataset "ds-1": weight'],
      [{ columns: [] }, '"columns" must have 1-1000 items'],
      [{ statistics: ['mean', 'median'] }, '"statistics[1]" must be one of count, missing, sum, min, max, mean, variance, sd, quantiles, histogram'],
      [{ statistics: ['mean', 'mean'] }, '"statistics[1]" repeats statistic "mean"'],
      [{ requestedExpiry: '2031-01-01' }, '"requestedExpiry" must be an ISO-8601 date-time with offset'],
      [{ requestedExpiry: '2031-02-30T00:00:00Z' }, '"requestedExpiry" must be an ISO-8601 date-time'],
      [{ requestedExpiry: '2029-12-31T23:59:59Z' }, '"requestedExpiry" must be after the transaction time 2030-01-01'],
      [{ purpose: '' }, '"purpose" must be 1-2000 characters'],
      [{ requester: 'Jane Doe' }, '"requester" must be 1-128 characters'],
    ])('validates the request (case %#)', async (overrides, message) => {
      const { ledger, access } = await withDataset();
      const error = await rejection(ledger.submit(access, 'requestAccess', accessRequest(overrides), GOV));
      expect(error.code).toBe(ChaincodeErrorCode.InputInvalid);
      expect(error.message).toContain(message);
    });

    it('normalises the requested expiry to UTC', async () => {
      const { ledger, access } = await withDataset();
      const record = (await ledger.submit(access, 'requestAccess', accessRequest({ requestedExpiry: '2031-01-01T02:00:00.5+02:00' }), GOV)) as AccessRequestRecord;
      expect(record.requestedExpiry).toBe('2031-01-01T00:00:00.500Z');
    });
  });

  describe('grantAccess', () => {
    it('grants the requested scope by default and emits AccessGranted', async () => {
      const { ledger, access } = await withRequest();
      const record = (await ledger.submit(access, 'grantAccess', grantDecision(), A)) as AccessRequestRecord;

      expect(record.status).toBe('granted');
      expect(record.grant).toEqual({
        columns: ['age', 'sbp'],
        statistics: ['count', 'mean', 'sd'],
        expiresAt: '2031-01-01T00:00:00.000Z',
        datasetVersion: 1,
        followsUpdates: false,
        privacyMode: 'controlled',
        operator: 'reviewer-11',
        grantedAt: record.updatedAt,
        txId: record.txId,
      });
      expect(ledger.lastEvents()).toEqual([{ name: ChaincodeEvent.AccessGranted, payload: JSON.stringify(record) }]);
    });

    it('is refused with ACCESS.NOT_OWNER from any organisation but the dataset owner', async () => {
      const { ledger, access } = await withRequest();
      for (const caller of [B, GOV, { msp: 'StrangerMSP' }]) {
        const error = await rejection(ledger.submit(access, 'grantAccess', grantDecision(), caller));
        expect(error.code).toBe(ChaincodeErrorCode.AccessNotOwner);
      }
      expect((await ledger.evaluate(access, 'getRequest', { requestId: 'req-1' }, A)) as AccessRequestRecord).toMatchObject({ status: 'pending' });
    });

    it('may narrow the scope', async () => {
      const { ledger, access } = await withRequest();
      const record = (await ledger.submit(
        access,
        'grantAccess',
        grantDecision({ columns: ['sbp'], statistics: ['mean'], expiresAt: '2030-06-01T00:00:00Z', reason: 'age withheld' }),
        A,
      )) as AccessRequestRecord;
      expect(record.grant).toMatchObject({ columns: ['sbp'], statistics: ['mean'], expiresAt: '2030-06-01T00:00:00.000Z', reason: 'age withheld' });
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a column', { columns: ['sbp', 'bmi'] }, 'bmi'],
      ['a statistic', { statistics: ['mean', 'histogram'] }, 'histogram'],
      ['the expiry', { expiresAt: '2031-01-01T00:00:01Z' }, 'later than the requested expiry'],
    ])('cannot widen %s', async (_what, overrides, mention) => {
      const { ledger, access } = await withRequest();
      const error = await rejection(ledger.submit(access, 'grantAccess', grantDecision(overrides), A));
      expect(error.code).toBe(ChaincodeErrorCode.AccessScopeWidened);
      expect(error.message).toContain(mention);
    });

    it('only grants pending requests', async () => {
      const w = await withGrant();
      expect((await rejection(w.ledger.submit(w.access, 'grantAccess', grantDecision(), A))).code).toBe(ChaincodeErrorCode.AccessInvalidState);
      await w.ledger.submit(w.access, 'requestAccess', accessRequest({ requestId: 'req-2' }), GOV);
      await w.ledger.submit(w.access, 'denyAccess', { requestId: 'req-2', operator: 'reviewer-11', reason: 'no ethics approval' }, A);
      expect((await rejection(w.ledger.submit(w.access, 'grantAccess', grantDecision({ requestId: 'req-2' }), A))).code).toBe(
        ChaincodeErrorCode.AccessInvalidState,
      );
    });

    it('refuses an expiry in the past, and a request whose own expiry has passed', async () => {
      const { ledger, access } = await withRequest();
      expect((await rejection(ledger.submit(access, 'grantAccess', grantDecision({ expiresAt: '2029-01-01T00:00:00Z' }), A))).code).toBe(
        ChaincodeErrorCode.InputInvalid,
      );
      expect((await rejection(ledger.submit(access, 'grantAccess', grantDecision(), { ...A, time: '2031-06-01T00:00:00Z' }))).code).toBe(
        ChaincodeErrorCode.AccessExpired,
      );
    });

    it('fails for an unknown request', async () => {
      const { ledger, access } = await withRequest();
      expect((await rejection(ledger.submit(access, 'grantAccess', grantDecision({ requestId: 'nope' }), A))).code).toBe(ChaincodeErrorCode.AccessRequestNotFound);
    });
  });

  describe('denyAccess', () => {
    it('denies a pending request from the owner and emits AccessDenied', async () => {
      const w = await withRequest();
      const record = (await w.ledger.submit(w.access, 'denyAccess', { requestId: 'req-1', operator: 'reviewer-11', reason: 'purpose unclear' }, A)) as AccessRequestRecord;
      expect(record).toMatchObject({ status: 'denied', denial: { operator: 'reviewer-11', reason: 'purpose unclear', decidedAt: record.updatedAt, txId: record.txId } });
      expect(w.ledger.lastEvents()).toEqual([{ name: ChaincodeEvent.AccessDenied, payload: JSON.stringify(record) }]);
      expect(await check(w)).toMatchObject({ inForce: false, code: ChaincodeErrorCode.AccessNotGranted });
    });

    it('is owner-only, pending-only, and needs a reason', async () => {
      const w = await withGrant();
      const deny = { requestId: 'req-1', operator: 'reviewer-11', reason: 'x' };
      expect((await rejection(w.ledger.submit(w.access, 'denyAccess', deny, B))).code).toBe(ChaincodeErrorCode.AccessNotOwner);
      expect((await rejection(w.ledger.submit(w.access, 'denyAccess', deny, A))).code).toBe(ChaincodeErrorCode.AccessInvalidState);
      expect(await rejection(w.ledger.submit(w.access, 'denyAccess', { requestId: 'req-1', operator: 'reviewer-11' }, A))).toEqual({
        code: ChaincodeErrorCode.InputInvalid,
        message: '"reason" is required',
      });
    });
  });

  describe('revokeAccess', () => {
    it('revokes a grant from the owner and emits AccessRevoked; the grant is then not in force', async () => {
      const w = await withGrant();
      expect(await check(w)).toMatchObject({ inForce: true });
      const record = (await w.ledger.submit(w.access, 'revokeAccess', { requestId: 'req-1', operator: 'reviewer-11', reason: 'consent withdrawn' }, A)) as AccessRequestRecord;

      expect(record).toMatchObject({ status: 'revoked', revocation: { reason: 'consent withdrawn' }, grant: { columns: ['age', 'sbp'] } });
      expect(w.ledger.lastEvents()).toEqual([{ name: ChaincodeEvent.AccessRevoked, payload: JSON.stringify(record) }]);
      expect(await check(w)).toEqual({ inForce: false, code: ChaincodeErrorCode.AccessRevoked, reason: 'the grant of request "req-1" was revoked' });
    });

    it('is owner-only and granted-only', async () => {
      const w = await withRequest();
      const revoke = { requestId: 'req-1', operator: 'reviewer-11', reason: 'x' };
      expect((await rejection(w.ledger.submit(w.access, 'revokeAccess', revoke, A))).code).toBe(ChaincodeErrorCode.AccessInvalidState);
      await w.ledger.submit(w.access, 'grantAccess', grantDecision(), A);
      expect((await rejection(w.ledger.submit(w.access, 'revokeAccess', revoke, B))).code).toBe(ChaincodeErrorCode.AccessNotOwner);
      expect((await rejection(w.ledger.submit(w.access, 'revokeAccess', revoke, GOV))).code).toBe(ChaincodeErrorCode.AccessNotOwner);
      await w.ledger.submit(w.access, 'revokeAccess', revoke, A);
      expect((await rejection(w.ledger.submit(w.access, 'revokeAccess', revoke, A))).code).toBe(ChaincodeErrorCode.AccessInvalidState);
    });
  });

  describe('checkAccess', () => {
    it('answers in force with the grant for a covered use', async () => {
      const w = await withGrant();
      const answer = await check(w, { columns: ['age', 'sbp'], statistics: ['count', 'sd'] });
      expect(answer.inForce).toBe(true);
      expect(answer.inForce && answer.grant.requestId).toBe('req-1');
    });

    it('answers EXPIRED at and after the expiry, evaluated at the transaction timestamp', async () => {
      const w = await withGrant();
      expect(await check(w, {}, '2030-12-31T23:59:59.999Z')).toMatchObject({ inForce: true });
      expect(await check(w, {}, '2031-01-01T00:00:00.000Z')).toMatchObject({ inForce: false, code: ChaincodeErrorCode.AccessExpired });
      expect(await check(w, {}, '2032-01-01T00:00:00.000Z')).toMatchObject({ inForce: false, code: ChaincodeErrorCode.AccessExpired });
    });

    it('answers OUT_OF_SCOPE for columns or statistics outside the grant', async () => {
      const w = await withGrant(undefined, { columns: ['sbp'], statistics: ['mean'] });
      expect(await check(w, { columns: ['age'] })).toEqual({
        inForce: false,
        code: ChaincodeErrorCode.AccessOutOfScope,
        reason: 'the grant of request "req-1" does not cover columns age',
      });
      expect(await check(w, { statistics: ['mean', 'quantiles'] })).toMatchObject({ inForce: false, code: ChaincodeErrorCode.AccessOutOfScope });
    });

    it('answers NOT_GRANTED for a pending request and for a requester without requests', async () => {
      const w = await withRequest();
      expect(await check(w)).toMatchObject({ inForce: false, code: ChaincodeErrorCode.AccessNotGranted });
      expect(await check(w, { requester: 'someone-else' })).toEqual({
        inForce: false,
        code: ChaincodeErrorCode.AccessNotGranted,
        reason: 'requester "someone-else" has no access request for dataset "ds-1"',
      });
    });

    it('answers DATASET.TAMPERED while a finding is open, and in force again after a new version', async () => {
      const w = await withGrant(undefined, { followsUpdates: true });
      await w.ledger.submit(w.audit, 'recordTamperFinding', tamperFinding(), A);
      expect(await check(w)).toMatchObject({ inForce: false, code: ChaincodeErrorCode.DatasetTampered });
      await w.ledger.submit(w.dataset, 'updateDataset', datasetVersion({ version: 2, sha256: sha('restored') }), A);
      expect(await check(w)).toMatchObject({ inForce: true });
    });

    it('covers only the version granted, unless the owner chose that the grant follows updates', async () => {
      const bound = await withGrant();
      await bound.ledger.submit(bound.dataset, 'updateDataset', datasetVersion({ version: 2, sha256: sha('cohort v2') }), A);
      expect(await check(bound)).toMatchObject({ inForce: false, code: ChaincodeErrorCode.AccessVersionNotCovered });
      const following = await withGrant(undefined, { followsUpdates: true });
      await following.ledger.submit(following.dataset, 'updateDataset', datasetVersion({ version: 2, sha256: sha('cohort v2') }), A);
      expect(await check(following)).toMatchObject({ inForce: true, grant: { grant: { datasetVersion: 1, followsUpdates: true } } });
      expect((await rejection(withGrant(undefined, { followsUpdates: 'yes' }))).code).toBe(ChaincodeErrorCode.InputInvalid);
    });

    it('answers DATASET.DELETED and DATASET.NOT_FOUND', async () => {
      const w = await withGrant();
      expect(await check(w, { datasetId: 'nope' })).toMatchObject({ inForce: false, code: ChaincodeErrorCode.DatasetNotFound });
      await w.ledger.submit(w.dataset, 'deleteDataset', { datasetId: 'ds-1', version: 2, operator: 'staff-1', description: '' }, A);
      expect(await check(w)).toMatchObject({ inForce: false, code: ChaincodeErrorCode.DatasetDeleted });
    });

    it('finds the grant in force among several requests, and otherwise reports the most relevant refusal', async () => {
      const w = await withGrant();
      await w.ledger.submit(w.access, 'revokeAccess', { requestId: 'req-1', operator: 'r', reason: 'x' }, A);
      await w.ledger.submit(w.access, 'requestAccess', accessRequest({ requestId: 'req-2', columns: ['sbp'], statistics: ['mean'] }), GOV);
      await w.ledger.submit(w.access, 'grantAccess', grantDecision({ requestId: 'req-2', expiresAt: '2030-03-01T00:00:00Z' }), A);
      await w.ledger.submit(w.access, 'requestAccess', accessRequest({ requestId: 'req-3' }), GOV);

      const answer = await check(w);
      expect(answer.inForce && answer.grant.requestId).toBe('req-2');
      expect(await check(w, { columns: ['age'] })).toMatchObject({ inForce: false, code: ChaincodeErrorCode.AccessOutOfScope });
      expect(await check(w, {}, '2030-04-01T00:00:00Z')).toMatchObject({ inForce: false, code: ChaincodeErrorCode.AccessExpired });
    });

    it('validates its request', async () => {
      const w = await withGrant();
      expect(await rejection(w.ledger.evaluate(w.access, 'checkAccess', { ...use, statistics: 'mean' }, GOV))).toEqual({
        code: ChaincodeErrorCode.InputInvalid,
        message: '"statistics" must be an array',
      });
    });
  });

  describe('reads', () => {
    it('getRequest returns the record or ACCESS.REQUEST_NOT_FOUND', async () => {
      const w = await withRequest();
      expect(await w.ledger.evaluate(w.access, 'getRequest', { requestId: 'req-1' }, B)).toMatchObject({ requestId: 'req-1', status: 'pending' });
      expect((await rejection(w.ledger.evaluate(w.access, 'getRequest', { requestId: 'nope' }, B))).code).toBe(ChaincodeErrorCode.AccessRequestNotFound);
    });

    it('lists requests by dataset and by requester', async () => {
      const w = await withRequest();
      await w.ledger.submit(w.dataset, 'addDataset', datasetVersion({ datasetId: 'ds-2' }), B);
      await w.ledger.submit(w.access, 'requestAccess', accessRequest({ requestId: 'req-2', requester: 'alpha-researcher' }), GOV);
      await w.ledger.submit(w.access, 'requestAccess', accessRequest({ requestId: 'req-0', datasetId: 'ds-2' }), GOV);

      const byDataset = (await w.ledger.evaluate(w.access, 'listRequestsByDataset', { datasetId: 'ds-1' }, A)) as AccessRequestRecord[];
      expect(byDataset.map((r) => r.requestId)).toEqual(['req-2', 'req-1']);
      const byRequester = (await w.ledger.evaluate(w.access, 'listRequestsByRequester', { requester: 'researcher-9c21' }, A)) as AccessRequestRecord[];
      expect(byRequester.map((r) => [r.requestId, r.datasetId])).toEqual([
        ['req-0', 'ds-2'],
        ['req-1', 'ds-1'],
      ]);
      expect(await w.ledger.evaluate(w.access, 'listRequestsByRequester', { requester: 'nobody' }, A)).toEqual([]);
    });
  });
});
