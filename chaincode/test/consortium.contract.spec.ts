import './support/quiet';
import { ChaincodeErrorCode, ChaincodeEvent, type ConsortiumRecord, type MemberRecord } from '../src';
import { admission, datasetVersion, GOVERNOR_MSP, HOSPITAL_A, HOSPITAL_B, newWorld, publicKeyPem, rejection, withMembers } from './support/builders';

describe('consortium contract', () => {
  describe('initialize', () => {
    it('records the caller as the governing MSP and emits ConsortiumInitialized', async () => {
      const { ledger, consortium } = newWorld();
      const record = (await ledger.submit(consortium, 'initialize', { consortiumName: 'PHDMF' }, { msp: GOVERNOR_MSP })) as ConsortiumRecord;

      expect(record).toEqual({ consortiumName: 'PHDMF', governorMspId: GOVERNOR_MSP, initializedAt: '2030-01-01T00:00:00.000Z', txId: 'tx000001' });
      expect(ledger.lastEvents()).toEqual([{ name: ChaincodeEvent.ConsortiumInitialized, payload: JSON.stringify(record) }]);
      expect(await ledger.evaluate(consortium, 'getConsortium', {}, { msp: HOSPITAL_A.mspId })).toEqual(record);
    });

    it('refuses a second initialization, even by the governor', async () => {
      const { ledger, consortium } = newWorld();
      await ledger.submit(consortium, 'initialize', { consortiumName: 'PHDMF' }, { msp: GOVERNOR_MSP });

      const error = await rejection(ledger.submit(consortium, 'initialize', { consortiumName: 'Other' }, { msp: 'OtherMSP' }));
      expect(error.code).toBe(ChaincodeErrorCode.ConsortiumAlreadyInitialized);
    });

    it('validates the consortium name', async () => {
      const { ledger, consortium } = newWorld();
      const error = await rejection(ledger.submit(consortium, 'initialize', { consortiumName: '' }, { msp: GOVERNOR_MSP }));
      expect(error).toEqual({ code: ChaincodeErrorCode.InputInvalid, message: '"consortiumName" must be 1-200 characters' });
    });

    it('getConsortium before initialize fails with CONSORTIUM.NOT_INITIALIZED', async () => {
      const { ledger, consortium } = newWorld();
      expect((await rejection(ledger.evaluate(consortium, 'getConsortium', {}, { msp: GOVERNOR_MSP }))).code).toBe(
        ChaincodeErrorCode.ConsortiumNotInitialized,
      );
    });
  });

  describe('admitMember', () => {
    it('admits a member, binds its MSP and emits MemberAdmitted', async () => {
      const { ledger, consortium } = await withMembers();
      const member = (await ledger.evaluate(consortium, 'getMember', { memberId: HOSPITAL_A.memberId }, { msp: GOVERNOR_MSP })) as MemberRecord;

      expect(member).toMatchObject({ ...HOSPITAL_A, status: 'active', nodePublicKey: publicKeyPem(), endpoint: 'https://node-a.hospital-a.example:8443' });
      expect(await ledger.evaluate(consortium, 'getMemberByMsp', { mspId: HOSPITAL_A.mspId }, { msp: HOSPITAL_B.mspId })).toEqual(member);
      const admitted = ledger.transactions.find((t) => t.txId === member.txId);
      expect(admitted?.events).toEqual([{ name: ChaincodeEvent.MemberAdmitted, payload: JSON.stringify(member) }]);
    });

    it('is reserved to the governing MSP', async () => {
      const { ledger, consortium } = await withMembers();
      const error = await rejection(ledger.submit(consortium, 'admitMember', admission({ memberId: 'hospital-c', mspId: 'HospitalCMSP', nodeId: 'node-c' }), { msp: HOSPITAL_A.mspId }));
      expect(error.code).toBe(ChaincodeErrorCode.ConsortiumNotGovernor);
    });

    it('needs an initialized consortium', async () => {
      const { ledger, consortium } = newWorld();
      expect((await rejection(ledger.submit(consortium, 'admitMember', admission(), { msp: GOVERNOR_MSP }))).code).toBe(
        ChaincodeErrorCode.ConsortiumNotInitialized,
      );
    });

    it('refuses an admitted member id and an MSP that already belongs to an active member', async () => {
      const { ledger, consortium } = await withMembers();
      expect((await rejection(ledger.submit(consortium, 'admitMember', admission({ mspId: 'NewMSP' }), { msp: GOVERNOR_MSP }))).code).toBe(
        ChaincodeErrorCode.MemberAlreadyExists,
      );
      expect((await rejection(ledger.submit(consortium, 'admitMember', admission({ memberId: 'hospital-c' }), { msp: GOVERNOR_MSP }))).code).toBe(
        ChaincodeErrorCode.MemberAlreadyExists,
      );
    });

    it("refuses the governing MSP as a member's (its users would sign as the consortium)", async () => {
      const { ledger, consortium } = await withMembers();
      const error = await rejection(ledger.submit(consortium, 'admitMember', admission({ memberId: 'hospital-g', mspId: GOVERNOR_MSP }), { msp: GOVERNOR_MSP }));
      expect(error.code).toBe(ChaincodeErrorCode.MemberAlreadyExists);
      expect(error.message).toContain('governing MSP');
    });

    it.each([
      ['memberId', { memberId: 'has space' }, '"memberId" must be 1-128 characters'],
      ['mspId', { mspId: undefined }, '"mspId" is required'],
      ['nodePublicKey', { nodePublicKey: 'not a key' }, '"nodePublicKey" must be a PEM-encoded public key'],
      ['endpoint', { endpoint: 'node-a:8443' }, '"endpoint" must be an absolute URL'],
      ['endpoint with NUL', { endpoint: 'https://node-a.example:8443/a\u0000b' }, '"endpoint" must be an absolute URL'],
      ['endpoint with DEL', { endpoint: 'https://node-a.example:8443/a\u007f' }, '"endpoint" must be an absolute URL'],
      ['name with NUL', { name: 'Hospital\u0000C' }, '"name" must be well-formed text without control characters'],
      ['name with a lone surrogate', { name: 'Hospital \ud800' }, '"name" must be well-formed text without control characters'],
      ['name', { name: 42 }, '"name" must be a string'],
      ['unknown field', { extra: true }, '"extra" is not a known field'],
    ])('validates %s', async (_field, overrides, message) => {
      const { ledger, consortium } = await withMembers();
      const error = await rejection(ledger.submit(consortium, 'admitMember', admission({ memberId: 'hospital-c', mspId: 'HospitalCMSP', ...overrides }), { msp: GOVERNOR_MSP }));
      expect(error.code).toBe(ChaincodeErrorCode.InputInvalid);
      expect(error.message).toContain(message);
    });
  });

  describe('rejectMember', () => {
    it('records the rejection and emits MemberRejected; the MSP then has no member rights', async () => {
      const { ledger, consortium, dataset } = await withMembers();
      const rejected = (await ledger.submit(
        consortium,
        'rejectMember',
        { memberId: 'hospital-c', name: 'Hospital C', mspId: 'HospitalCMSP', reason: 'incomplete application' },
        { msp: GOVERNOR_MSP },
      )) as MemberRecord;

      expect(rejected).toMatchObject({ memberId: 'hospital-c', status: 'rejected', reason: 'incomplete application' });
      expect(rejected.nodeId).toBeUndefined();
      expect(ledger.lastEvents()).toEqual([{ name: ChaincodeEvent.MemberRejected, payload: JSON.stringify(rejected) }]);
      expect((await rejection(ledger.submit(dataset, 'addDataset', datasetVersion({ datasetId: 'ds-c' }), { msp: 'HospitalCMSP' }))).code).toBe(
        ChaincodeErrorCode.MemberNotActive,
      );
    });

    it('lets a rejected applicant be admitted later', async () => {
      const { ledger, consortium } = await withMembers();
      await ledger.submit(consortium, 'rejectMember', { memberId: 'hospital-c', name: 'Hospital C', mspId: 'HospitalCMSP', reason: 'x' }, { msp: GOVERNOR_MSP });
      const admitted = (await ledger.submit(consortium, 'admitMember', admission({ memberId: 'hospital-c', mspId: 'HospitalCMSP', nodeId: 'node-c' }), { msp: GOVERNOR_MSP })) as MemberRecord;
      expect(admitted.status).toBe('active');
      expect(admitted.reason).toBeUndefined();
    });

    it('refuses to reject an admitted member, and is reserved to the governor', async () => {
      const { ledger, consortium } = await withMembers();
      const request = { memberId: HOSPITAL_A.memberId, name: HOSPITAL_A.name, mspId: HOSPITAL_A.mspId, reason: 'late' };
      expect((await rejection(ledger.submit(consortium, 'rejectMember', request, { msp: GOVERNOR_MSP }))).code).toBe(ChaincodeErrorCode.MemberAlreadyExists);
      expect((await rejection(ledger.submit(consortium, 'rejectMember', { ...request, memberId: 'x' }, { msp: HOSPITAL_B.mspId }))).code).toBe(
        ChaincodeErrorCode.ConsortiumNotGovernor,
      );
    });

    it('requires a reason', async () => {
      const { ledger, consortium } = await withMembers();
      const error = await rejection(ledger.submit(consortium, 'rejectMember', { memberId: 'c', name: 'C', mspId: 'CMSP' }, { msp: GOVERNOR_MSP }));
      expect(error).toEqual({ code: ChaincodeErrorCode.InputInvalid, message: '"reason" is required' });
    });

    it('does not unbind an MSP from its active member', async () => {
      const { ledger, consortium } = await withMembers();
      await ledger.submit(consortium, 'rejectMember', { memberId: 'dup-a', name: 'Dup', mspId: HOSPITAL_A.mspId, reason: 'duplicate' }, { msp: GOVERNOR_MSP });
      expect(await ledger.evaluate(consortium, 'getMemberByMsp', { mspId: HOSPITAL_A.mspId }, { msp: GOVERNOR_MSP })).toMatchObject({ memberId: HOSPITAL_A.memberId });
    });
  });

  describe('updateNode', () => {
    const update = { memberId: HOSPITAL_A.memberId, nodeId: 'node-a2', nodePublicKey: publicKeyPem(), endpoint: 'grpcs://node-a2.hospital-a.example:7051' };

    it('updates the node from the member own MSP and emits NodeUpdated', async () => {
      const { ledger, consortium } = await withMembers();
      const record = (await ledger.submit(consortium, 'updateNode', update, { msp: HOSPITAL_A.mspId })) as MemberRecord;
      expect(record).toMatchObject({ nodeId: 'node-a2', endpoint: update.endpoint, status: 'active' });
      expect(record.updatedAt > record.decidedAt).toBe(true);
      expect(ledger.lastEvents()).toEqual([{ name: ChaincodeEvent.NodeUpdated, payload: JSON.stringify(record) }]);
    });

    it('refuses an endpoint with a control character (the registry could not store it)', async () => {
      const { ledger, consortium } = await withMembers();
      const error = await rejection(ledger.submit(consortium, 'updateNode', { ...update, endpoint: 'https://node-a2.example:8443/\u0000' }, { msp: HOSPITAL_A.mspId }));
      expect(error.code).toBe(ChaincodeErrorCode.InputInvalid);
      expect(await ledger.evaluate(consortium, 'getMember', { memberId: HOSPITAL_A.memberId }, { msp: HOSPITAL_A.mspId })).toMatchObject({ endpoint: 'https://node-a.hospital-a.example:8443' });
    });

    it('is refused from another MSP, including the governor', async () => {
      const { ledger, consortium } = await withMembers();
      expect((await rejection(ledger.submit(consortium, 'updateNode', update, { msp: HOSPITAL_B.mspId }))).code).toBe(ChaincodeErrorCode.MemberMspMismatch);
      expect((await rejection(ledger.submit(consortium, 'updateNode', update, { msp: GOVERNOR_MSP }))).code).toBe(ChaincodeErrorCode.MemberMspMismatch);
    });

    it('is refused for an unknown or rejected member', async () => {
      const { ledger, consortium } = await withMembers();
      expect((await rejection(ledger.submit(consortium, 'updateNode', { ...update, memberId: 'nobody' }, { msp: HOSPITAL_A.mspId }))).code).toBe(
        ChaincodeErrorCode.MemberNotFound,
      );
      await ledger.submit(consortium, 'rejectMember', { memberId: 'hospital-c', name: 'C', mspId: 'HospitalCMSP', reason: 'x' }, { msp: GOVERNOR_MSP });
      expect((await rejection(ledger.submit(consortium, 'updateNode', { ...update, memberId: 'hospital-c' }, { msp: 'HospitalCMSP' }))).code).toBe(
        ChaincodeErrorCode.MemberNotActive,
      );
    });
  });

  describe('node ids', () => {
    it('refuses a node id another member holds, on admission and on a node change (MEMBER.NODE_ID_TAKEN)', async () => {
      const { ledger, consortium } = await withMembers();
      const taken = await rejection(
        ledger.submit(consortium, 'admitMember', admission({ memberId: 'hospital-c', mspId: 'HospitalCMSP', nodeId: HOSPITAL_A.nodeId }), { msp: GOVERNOR_MSP }),
      );
      expect(taken.code).toBe(ChaincodeErrorCode.MemberNodeIdTaken);
      const claim = { memberId: HOSPITAL_B.memberId, nodeId: HOSPITAL_A.nodeId, nodePublicKey: publicKeyPem(), endpoint: 'https://node-b.hospital-b.example:8443' };
      expect((await rejection(ledger.submit(consortium, 'updateNode', claim, { msp: HOSPITAL_B.mspId }))).code).toBe(ChaincodeErrorCode.MemberNodeIdTaken);
      const a = (await ledger.evaluate(consortium, 'getMember', { memberId: HOSPITAL_A.memberId }, { msp: GOVERNOR_MSP })) as MemberRecord;
      expect(a.nodeId).toBe(HOSPITAL_A.nodeId);
    });

    it('lets a member keep its own node id and frees the id it replaces', async () => {
      const { ledger, consortium } = await withMembers();
      const own = { memberId: HOSPITAL_A.memberId, nodeId: HOSPITAL_A.nodeId, nodePublicKey: publicKeyPem(), endpoint: 'https://node-a.hospital-a.example:9443' };
      await ledger.submit(consortium, 'updateNode', own, { msp: HOSPITAL_A.mspId });
      await ledger.submit(consortium, 'updateNode', { ...own, nodeId: 'node-a2' }, { msp: HOSPITAL_A.mspId });
      const claim = { memberId: HOSPITAL_B.memberId, nodeId: HOSPITAL_A.nodeId, nodePublicKey: publicKeyPem(), endpoint: 'https://node-b.hospital-b.example:8443' };
      expect(await ledger.submit(consortium, 'updateNode', claim, { msp: HOSPITAL_B.mspId })).toMatchObject({ nodeId: HOSPITAL_A.nodeId });
      expect((await rejection(ledger.submit(consortium, 'updateNode', { ...own, nodeId: HOSPITAL_A.nodeId }, { msp: HOSPITAL_A.mspId }))).code).toBe(
        ChaincodeErrorCode.MemberNodeIdTaken,
      );
    });
  });

  describe('reads', () => {
    it('listMembers returns every member ordered by id', async () => {
      const { ledger, consortium } = await withMembers();
      await ledger.submit(consortium, 'rejectMember', { memberId: 'aaa-clinic', name: 'AAA', mspId: 'AaaMSP', reason: 'x' }, { msp: GOVERNOR_MSP });
      const members = (await ledger.evaluate(consortium, 'listMembers', {}, { msp: HOSPITAL_A.mspId })) as MemberRecord[];
      expect(members.map((m) => [m.memberId, m.status])).toEqual([
        ['aaa-clinic', 'rejected'],
        ['hospital-a', 'active'],
        ['hospital-b', 'active'],
      ]);
    });

    it('getMember and getMemberByMsp fail with MEMBER.NOT_FOUND', async () => {
      const { ledger, consortium } = await withMembers();
      expect((await rejection(ledger.evaluate(consortium, 'getMember', { memberId: 'nobody' }, { msp: GOVERNOR_MSP }))).code).toBe(ChaincodeErrorCode.MemberNotFound);
      expect((await rejection(ledger.evaluate(consortium, 'getMemberByMsp', { mspId: 'NoMSP' }, { msp: GOVERNOR_MSP }))).code).toBe(ChaincodeErrorCode.MemberNotFound);
    });

    it('reads refuse unknown fields and non-object requests', async () => {
      const { ledger, consortium } = await withMembers();
      expect(await rejection(ledger.evaluate(consortium, 'listMembers', { page: 2 }, { msp: GOVERNOR_MSP }))).toEqual({
        code: ChaincodeErrorCode.InputInvalid,
        message: '"page" is not a known field',
      });
      expect(await rejection(ledger.evaluate(consortium, 'listMembers', '[]', { msp: GOVERNOR_MSP }))).toEqual({
        code: ChaincodeErrorCode.InputInvalid,
        message: '"request" must be a JSON object',
      });
      expect(await rejection(ledger.evaluate(consortium, 'getConsortium', 'not json', { msp: GOVERNOR_MSP }))).toEqual({
        code: ChaincodeErrorCode.InputInvalid,
        message: 'the request is not valid JSON',
      });
    });
  });
});
