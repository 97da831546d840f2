// Ledger commands over a real nats-server, against the real ledger service (its own module, SQLite
// database and embedded ledger in a temp directory).
import type { INestApplication } from '@nestjs/common';
import {
  CommonErrorCode,
  LedgerAddDataset,
  LedgerAdmitMember,
  LedgerChaincodeErrorCode,
  LedgerCheckAccess,
  LedgerDeleteDataset,
  LedgerDenyAccess,
  LedgerErrorCode,
  LedgerGetTransaction,
  LedgerGrantAccess,
  LedgerRecordAnalysis,
  LedgerRecordTamperFinding,
  LedgerRejectMember,
  LedgerRequestAccess,
  LedgerRevokeAccess,
  LedgerUpdateDataset,
  LedgerUpdateNode,
  ledgerNodeContract,
  type PhdmfError,
} from '@phdmf/contracts';
import { TestNatsServer, tempDir } from '@phdmf/testing';
import { provisionEventStream } from '@phdmf/messaging';
import { Actors, LedgerClient, ledgerEnv, startLedgerService } from '../../test-support/ledger-service';
import { accessRequest, admission, datasetVersion, publicKeyPem, sha, uniqueId } from '../ledger-port/conformance/builders';

describe('ledger commands over NATS', () => {
  let nats: TestNatsServer;
  let data: ReturnType<typeof tempDir>;
  let app: INestApplication;
  let client: LedgerClient;
  const hospitalA = Actors.staffOf('hospital-a');
  const hospitalB = Actors.staffOf('hospital-b');

  beforeAll(async () => {
    nats = await TestNatsServer.start({ provision: provisionEventStream });
    data = tempDir('phdmf-ledger-cmd-');
    app = await startLedgerService(ledgerEnv(nats.url, data.dir));
    client = await LedgerClient.connect(nats.url);
    for (const [memberId, mspId] of [
      ['hospital-a', 'HospitalAMSP'],
      ['hospital-b', 'HospitalBMSP'],
    ] as const) {
      await client.bus.request(LedgerAdmitMember.CONTRACT, admission(memberId, mspId), { actor: Actors.consortiumAdmin });
    }
  });

  afterAll(async () => {
    await client.close();
    await app.close();
    await nats.dispose();
    data.remove();
  });

  const refusal = (promise: Promise<unknown>): Promise<PhdmfError> => promise.then(() => Promise.reject(new Error('expected a refusal')), (e: unknown) => e as PhdmfError);

  it('answers a command after commit with the transaction id, the block number and the record', async () => {
    const payload = datasetVersion();
    const answer = await client.bus.request(LedgerAddDataset.CONTRACT, payload, { actor: hospitalA });
    expect(answer.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(answer.blockNumber).toBeGreaterThan(0);
    expect(answer.record).toMatchObject({ datasetId: payload.datasetId, version: 1, ownerMemberId: 'hospital-a', ownerMspId: 'HospitalAMSP', status: 'active', txId: answer.txId });

    const tx = await client.bus.request(LedgerGetTransaction.CONTRACT, { txId: answer.txId });
    expect(tx).toMatchObject({ blockNumber: answer.blockNumber, validationCode: 'VALID', creatorMspId: 'HospitalAMSP', function: 'addDataset' });
  });

  it("signs a command on a storage node's own subject only for the member that registered that node", async () => {
    // node-hospital-a is hospital A's node (admission builder): its subject, A's staff → committed as A.
    const onA = ledgerNodeContract(LedgerAddDataset.CONTRACT, 'node-hospital-a');
    expect(onA.subject).toBe('phdmf.ledger.node.node-hospital-a.cmd.add-dataset.v1');
    const answer = await client.bus.request(onA, datasetVersion(), { actor: hospitalA });
    expect(answer.record).toMatchObject({ ownerMemberId: 'hospital-a', ownerMspId: 'HospitalAMSP' });
    const tamper = ledgerNodeContract(LedgerRecordTamperFinding.CONTRACT, 'node-hospital-a');
    const finding = { findingId: uniqueId('finding'), datasetId: answer.record.datasetId, expectedSha256: answer.record.sha256, foundSha256: sha('x'), nodeId: 'node-hospital-a' };
    expect((await client.bus.request(tamper, finding, { actor: hospitalA })).record).toMatchObject({ mspId: 'HospitalAMSP' });

    // The same node's subject acting for hospital B, for the consortium, or a node nobody registered:
    // refused before anything is submitted, whatever the actor header says.
    const before = (await client.bus.request(LedgerGetTransaction.CONTRACT, { txId: answer.txId })).blockNumber;
    expect(await refusal(client.bus.request(onA, datasetVersion(), { actor: hospitalB }))).toMatchObject({ code: LedgerErrorCode.NODE_MISMATCH, message: expect.stringContaining('belongs to member hospital-a') });
    expect((await refusal(client.bus.request(onA, datasetVersion(), { actor: Actors.service }))).code).toBe(LedgerErrorCode.NODE_MISMATCH);
    expect((await refusal(client.bus.request(onA, datasetVersion(), { actor: Actors.consortiumAdmin }))).code).toBe(LedgerErrorCode.NODE_MISMATCH);
    expect((await refusal(client.bus.request(ledgerNodeContract(LedgerAddDataset.CONTRACT, 'node-nobody'), datasetVersion(), { actor: hospitalA }))).code).toBe(LedgerErrorCode.NODE_MISMATCH);
    const { record: bOwned } = await client.bus.request(ledgerNodeContract(LedgerAddDataset.CONTRACT, 'node-hospital-b'), datasetVersion(), { actor: hospitalB });
    expect(bOwned.ownerMemberId).toBe('hospital-b');
    expect(await refusal(client.bus.request(ledgerNodeContract(LedgerDeleteDataset.CONTRACT, 'node-hospital-a'), { datasetId: bOwned.datasetId, version: 2, operator: 'staff-b', description: 'withdrawn' }, { actor: hospitalB }))).toMatchObject({ code: LedgerErrorCode.NODE_MISMATCH });
    // Nothing of the refused ones reached the chain: B's add is the only transaction since.
    expect((await client.bus.request(LedgerGetTransaction.CONTRACT, { txId: bOwned.txId })).blockNumber).toBeGreaterThan(before);
  });

  it("signs with the acting user's organisation: a grant from a non-owner organisation is refused with ACCESS.NOT_OWNER", async () => {
    const { record } = await client.bus.request(LedgerAddDataset.CONTRACT, datasetVersion(), { actor: hospitalA });
    const request = accessRequest(record.datasetId);
    const requested = await client.bus.request(LedgerRequestAccess.CONTRACT, request, { actor: Actors.service });
    expect(requested.record).toMatchObject({ status: 'pending', submittedByMspId: 'ConsortiumMSP', ownerMspId: 'HospitalAMSP' });

    const byB = await refusal(client.bus.request(LedgerGrantAccess.CONTRACT, { requestId: request.requestId, operator: 'reviewer-b' }, { actor: hospitalB }));
    expect(byB.code).toBe(LedgerChaincodeErrorCode.AccessNotOwner);
    expect(byB.message).toContain('HospitalBMSP');
    const check = await client.bus.request(LedgerCheckAccess.CONTRACT, { datasetId: record.datasetId, requester: request.requester, columns: ['age'], statistics: ['mean'] });
    expect(check).toMatchObject({ inForce: false, code: LedgerChaincodeErrorCode.AccessNotGranted });

    const granted = await client.bus.request(LedgerGrantAccess.CONTRACT, { requestId: request.requestId, operator: 'reviewer-a' }, { actor: hospitalA });
    expect(granted.record).toMatchObject({ status: 'granted', grant: { operator: 'reviewer-a', txId: granted.txId } });
    const after = await client.bus.request(LedgerCheckAccess.CONTRACT, { datasetId: record.datasetId, requester: request.requester, columns: ['age'], statistics: ['mean'] });
    expect(after).toMatchObject({ inForce: true, grant: { requestId: request.requestId } });
  });

  it('signs consortium administration and internal services with the governing MSP, and nobody else may administer', async () => {
    const memberId = uniqueId('clinic');
    const admitted = await client.bus.request(LedgerAdmitMember.CONTRACT, admission(memberId, uniqueId('ClinicMSP')), { actor: Actors.consortiumAdmin });
    const tx = await client.bus.request(LedgerGetTransaction.CONTRACT, { txId: admitted.txId });
    expect(tx.creatorMspId).toBe('ConsortiumMSP');

    const byMember = await refusal(client.bus.request(LedgerAdmitMember.CONTRACT, admission(uniqueId('m'), uniqueId('Msp')), { actor: hospitalA }));
    expect(byMember.code).toBe(LedgerChaincodeErrorCode.ConsortiumNotGovernor);
  });

  it('refuses to sign without an acting user, for a user without organisation, or for an organisation that is not an active member', async () => {
    const payload = datasetVersion();
    expect((await refusal(client.bus.request(LedgerAddDataset.CONTRACT, payload))).code).toBe(LedgerErrorCode.ACTOR_REQUIRED);
    expect((await refusal(client.bus.request(LedgerAddDataset.CONTRACT, payload, { actor: { userId: 'u-1', roles: ['member'] } }))).code).toBe(
      LedgerErrorCode.ORGANISATION_REQUIRED,
    );
    const outsider = await refusal(client.bus.request(LedgerAddDataset.CONTRACT, payload, { actor: Actors.researcher }));
    expect(outsider.code).toBe(LedgerErrorCode.ORGANISATION_NOT_MEMBER);
    expect(outsider.details).toMatchObject({ organisationId: 'uni-x' });

    const rejectedId = uniqueId('rejected');
    await client.bus.request(LedgerRejectMember.CONTRACT, { memberId: rejectedId, name: 'Rejected clinic', mspId: uniqueId('RejMSP'), reason: 'incomplete application' }, { actor: Actors.consortiumAdmin });
    expect((await refusal(client.bus.request(LedgerAddDataset.CONTRACT, payload, { actor: Actors.staffOf(rejectedId) }))).code).toBe(LedgerErrorCode.ORGANISATION_NOT_MEMBER);
  });

  it('lets an organisation sign as soon as it is admitted', async () => {
    const memberId = uniqueId('late');
    const payload = datasetVersion();
    expect((await refusal(client.bus.request(LedgerAddDataset.CONTRACT, payload, { actor: Actors.staffOf(memberId) }))).code).toBe(LedgerErrorCode.ORGANISATION_NOT_MEMBER);
    await client.bus.request(LedgerAdmitMember.CONTRACT, admission(memberId, uniqueId('LateMSP')), { actor: Actors.consortiumAdmin });
    const added = await client.bus.request(LedgerAddDataset.CONTRACT, payload, { actor: Actors.staffOf(memberId) });
    expect(added.record.ownerMemberId).toBe(memberId);
  });

  it('refuses a malformed payload at the edge, and input only the chaincode can judge as LEDGER.INVALID_INPUT', async () => {
    const badHash = await refusal(client.bus.request(LedgerAddDataset.CONTRACT, datasetVersion({ sha256: 'xyz' }), { actor: hospitalA }));
    expect(badHash.code).toBe(CommonErrorCode.VALIDATION_FAILED);
    expect(badHash.message).toContain('sha256');
    const unknownField = await refusal(client.bus.request(LedgerAddDataset.CONTRACT, { ...datasetVersion(), ownerMspId: 'HospitalBMSP' } as never, { actor: hospitalA }));
    expect(unknownField.code).toBe(CommonErrorCode.VALIDATION_FAILED);
    expect(unknownField.message).toContain('ownerMspId');

    const mismatch = await refusal(client.bus.request(LedgerAddDataset.CONTRACT, datasetVersion({ columnCount: 5 }), { actor: hospitalA }));
    expect(mismatch.code).toBe(LedgerErrorCode.INVALID_INPUT);
    expect(mismatch.message).toContain('columnCount');
  });

  it('runs every chaincode write as a command', async () => {
    const updatedNode = await client.bus.request(
      LedgerUpdateNode.CONTRACT,
      { memberId: 'hospital-a', nodeId: 'node-a2', nodePublicKey: publicKeyPem(), endpoint: 'https://node-a2.example.org' },
      { actor: hospitalA },
    );
    expect(updatedNode.record).toMatchObject({ memberId: 'hospital-a', nodeId: 'node-a2' });

    const v1 = datasetVersion();
    const { datasetId } = v1;
    await client.bus.request(LedgerAddDataset.CONTRACT, v1, { actor: hospitalA });
    const v2 = await client.bus.request(LedgerUpdateDataset.CONTRACT, datasetVersion({ datasetId, version: 2 }), { actor: hospitalA });
    expect(v2.record).toMatchObject({ version: 2, status: 'active' });

    const toRevoke = accessRequest(datasetId);
    await client.bus.request(LedgerRequestAccess.CONTRACT, toRevoke, { actor: Actors.service });
    await client.bus.request(LedgerGrantAccess.CONTRACT, { requestId: toRevoke.requestId, operator: 'reviewer-a', statistics: ['mean'] }, { actor: hospitalA });
    const revoked = await client.bus.request(LedgerRevokeAccess.CONTRACT, { requestId: toRevoke.requestId, operator: 'reviewer-a', reason: 'study ended' }, { actor: hospitalA });
    expect(revoked.record.status).toBe('revoked');

    const toDeny = accessRequest(datasetId);
    await client.bus.request(LedgerRequestAccess.CONTRACT, toDeny, { actor: Actors.service });
    const denied = await client.bus.request(LedgerDenyAccess.CONTRACT, { requestId: toDeny.requestId, operator: 'reviewer-a', reason: 'purpose unclear' }, { actor: hospitalA });
    expect(denied.record.status).toBe('denied');

    const toUse = accessRequest(datasetId, { requester: 'researcher-77' });
    await client.bus.request(LedgerRequestAccess.CONTRACT, toUse, { actor: Actors.service });
    await client.bus.request(LedgerGrantAccess.CONTRACT, { requestId: toUse.requestId, operator: 'reviewer-a' }, { actor: hospitalA });
    const analysis = await client.bus.request(
      LedgerRecordAnalysis.CONTRACT,
      {
        analysisId: uniqueId('an'),
        requester: 'researcher-77',
        grants: [{ requestId: toUse.requestId, datasetId, sha256: v2.record.sha256 }],
        statistics: ['mean'],
        columns: ['sbp'],
        resultHash: sha('result'),
      },
      { actor: Actors.service },
    );
    expect(analysis.record).toMatchObject({ recordedByMspId: 'ConsortiumMSP', grants: [{ datasetId, datasetVersion: 2 }] });

    const finding = await client.bus.request(
      LedgerRecordTamperFinding.CONTRACT,
      { findingId: uniqueId('finding'), datasetId, expectedSha256: v2.record.sha256, foundSha256: sha('altered'), nodeId: 'node-a2' },
      { actor: hospitalA },
    );
    expect(finding.record).toMatchObject({ datasetId, mspId: 'HospitalAMSP' });

    const deleted = await client.bus.request(LedgerDeleteDataset.CONTRACT, { datasetId, version: 3, operator: 'staff-7f3a', description: 'withdrawn' }, { actor: hospitalA });
    expect(deleted.record).toMatchObject({ status: 'deleted', version: 3 });
  });
});
