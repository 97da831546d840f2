// Ledger queries over a real nats-server, against the real ledger service.
import '../chaincode/chaincode-logging'; // before anything loads fabric-contract-api
import type { INestApplication } from '@nestjs/common';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import {
  LedgerAddDataset,
  LedgerAdmitMember,
  LedgerChaincodeErrorCode,
  LedgerCheckAccess,
  LedgerDenyAccess,
  LedgerErrorCode,
  LedgerGetAccessRequest,
  LedgerGetBlock,
  LedgerGetChainInfo,
  LedgerGetDataset,
  LedgerGetDatasetHistory,
  LedgerGetMember,
  LedgerGetProvenance,
  LedgerGetTransaction,
  LedgerGrantAccess,
  LedgerListDatasets,
  LedgerListMembers,
  LedgerRecordAnalysis,
  LedgerRequestAccess,
  LedgerUpdateDataset,
  LedgerVerifyChain,
  type LedgerCommitted,
} from '@phdmf/contracts';
import { DATABASE_FILE } from '@phdmf/embedded-ledger';
import { TestNatsServer, memoryLogger, tempDir } from '@phdmf/testing';
import { provisionEventStream } from '@phdmf/messaging';
import { Actors, LedgerClient, ledgerEnv, startLedgerService } from '../../test-support/ledger-service';
import { accessRequest, admission, datasetVersion, sha, uniqueId } from '../ledger-port/conformance/builders';

describe('ledger queries over NATS', () => {
  let nats: TestNatsServer;
  let data: ReturnType<typeof tempDir>;
  let app: INestApplication | undefined;
  let client: LedgerClient;
  const hospitalA = Actors.staffOf('hospital-a');

  beforeAll(async () => {
    nats = await TestNatsServer.start({ provision: provisionEventStream });
    data = tempDir('phdmf-ledger-qry-');
    app = await startLedgerService(ledgerEnv(nats.url, data.dir));
    client = await LedgerClient.connect(nats.url);
    await client.bus.request(LedgerAdmitMember.CONTRACT, admission('hospital-a', 'HospitalAMSP'), { actor: Actors.consortiumAdmin });
    await client.bus.request(LedgerAdmitMember.CONTRACT, admission('hospital-b', 'HospitalBMSP'), { actor: Actors.consortiumAdmin });
  });

  afterAll(async () => {
    await client.close();
    await app?.close();
    await nats.dispose();
    data.remove();
  });

  it("answers the provenance table: every operation with file, hash, operator, organisation, time, transaction id and block", async () => {
    const v1 = datasetVersion({ fileName: 'cohort-2024.csv' });
    const { datasetId } = v1;
    const answers: LedgerCommitted<unknown>[] = [];
    answers.push(await client.bus.request(LedgerAddDataset.CONTRACT, v1, { actor: hospitalA }));
    const v2 = datasetVersion({ datasetId, version: 2, fileName: 'cohort-2025.csv' });
    answers.push(await client.bus.request(LedgerUpdateDataset.CONTRACT, v2, { actor: hospitalA }));
    const request = accessRequest(datasetId);
    answers.push(await client.bus.request(LedgerRequestAccess.CONTRACT, request, { actor: Actors.service }));
    answers.push(await client.bus.request(LedgerGrantAccess.CONTRACT, { requestId: request.requestId, operator: 'reviewer-a' }, { actor: hospitalA }));
    const analysisId = uniqueId('an');
    answers.push(
      await client.bus.request(
        LedgerRecordAnalysis.CONTRACT,
        { analysisId, requester: request.requester, grants: [{ requestId: request.requestId, datasetId, sha256: v2.sha256 }], statistics: ['mean'], columns: ['sbp'], resultHash: sha('r') },
        { actor: Actors.service },
      ),
    );

    const { entries } = await client.bus.request(LedgerGetProvenance.CONTRACT, { datasetId }, { actor: Actors.consortiumAdmin });
    expect(entries.map((e) => [e.operation, e.fileName, e.sha256, e.organisation])).toEqual([
      ['add', 'cohort-2024.csv', v1.sha256, 'HospitalAMSP'],
      ['update', 'cohort-2025.csv', v2.sha256, 'HospitalAMSP'],
      ['request', 'cohort-2025.csv', v2.sha256, 'ConsortiumMSP'],
      ['grant', 'cohort-2025.csv', v2.sha256, 'HospitalAMSP'],
      ['analysis', 'cohort-2025.csv', v2.sha256, 'ConsortiumMSP'],
    ]);
    expect(entries.map((e) => e.txId)).toEqual(answers.map((a) => a.txId));
    expect(entries.map((e) => e.blockNumber)).toEqual(answers.map((a) => a.blockNumber));
    expect(entries.map((e) => e.operator)).toEqual(['staff-7f3a', 'staff-7f3a', request.requester, 'reviewer-a', request.requester]);
    expect(entries[0]).toMatchObject({ memberId: 'hospital-a', datasetVersion: 1 });
    expect(entries[4]).toMatchObject({ referenceId: analysisId });
    for (const entry of entries) expect(Date.parse(entry.timestamp)).not.toBeNaN();

    const history = await client.bus.request(LedgerGetDatasetHistory.CONTRACT, { datasetId });
    expect(history.entries.map((h) => [h.record.version, h.txId, h.blockNumber])).toEqual([
      [1, answers[0]!.txId, answers[0]!.blockNumber],
      [2, answers[1]!.txId, answers[1]!.blockNumber],
    ]);
  });

  it('shows a request, its denial and an analysis in full only to the requester, the owner institution and the admin; hashes and ids to everyone', async () => {
    const readers = {
      requester: { userId: 'researcher-a', organisationId: 'uni-x', roles: ['researcher'] },
      otherResearcher: { userId: 'researcher-b', organisationId: 'uni-y', roles: ['researcher'] },
      owner: hospitalA,
      otherInstitution: Actors.staffOf('hospital-b'),
      admin: Actors.consortiumAdmin,
    };
    const v1 = datasetVersion();
    const { datasetId } = v1;
    await client.bus.request(LedgerAddDataset.CONTRACT, v1, { actor: hospitalA });
    const denied = accessRequest(datasetId, { requester: 'researcher-a', requesterOrg: 'uni-x', purpose: 'Purpose-of-A: stroke in young adults', columns: ['age', 'sbp'] });
    const requestTx = await client.bus.request(LedgerRequestAccess.CONTRACT, denied, { actor: Actors.service });
    const denialTx = await client.bus.request(LedgerDenyAccess.CONTRACT, { requestId: denied.requestId, operator: 'reviewer-a', reason: 'Reason-of-denial: outside the consent' }, { actor: hospitalA });
    const granted = accessRequest(datasetId, { requester: 'researcher-a', purpose: 'Purpose-of-A: second look' });
    await client.bus.request(LedgerRequestAccess.CONTRACT, granted, { actor: Actors.service });
    await client.bus.request(LedgerGrantAccess.CONTRACT, { requestId: granted.requestId, operator: 'reviewer-a' }, { actor: hospitalA });
    const analysisTx = await client.bus.request(
      LedgerRecordAnalysis.CONTRACT,
      { analysisId: uniqueId('an'), requester: 'researcher-a', grants: [{ requestId: granted.requestId, datasetId, sha256: v1.sha256 }], statistics: ['mean'], columns: ['sbp'], resultHash: sha('r') },
      { actor: Actors.service },
    );
    const secrets = ['Purpose-of-A', 'Reason-of-denial', 'researcher-a', 'reviewer-a', '"sbp"', 'uni-x'];
    const read = async (actor: (typeof readers)[keyof typeof readers]) => ({
      request: await client.bus.request(LedgerGetTransaction.CONTRACT, { txId: requestTx.txId }, { actor }),
      denial: await client.bus.request(LedgerGetTransaction.CONTRACT, { txId: denialTx.txId }, { actor }),
      analysis: await client.bus.request(LedgerGetTransaction.CONTRACT, { txId: analysisTx.txId }, { actor }),
      block: await client.bus.request(LedgerGetBlock.CONTRACT, { blockNumber: denialTx.blockNumber }, { actor }),
      provenance: await client.bus.request(LedgerGetProvenance.CONTRACT, { datasetId }, { actor }),
    });

    for (const outsider of [readers.otherResearcher, readers.otherInstitution]) {
      const seen = await read(outsider);
      const text = JSON.stringify(seen);
      for (const secret of secrets) expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
      // What verifies the chain stays: ids, blocks, validation, function, signing MSP, the dataset and its hash.
      expect(seen.request).toMatchObject({ txId: requestTx.txId, blockNumber: requestTx.blockNumber, validationCode: 'VALID', function: 'requestAccess', event: { name: 'AccessRequested' } });
      expect(seen.request.redacted).toEqual(expect.arrayContaining(['args[0].purpose', 'args[0].columns', 'args[0].requester', 'response.purpose', 'event.payload.purpose']) as unknown);
      expect(JSON.parse(seen.request.args[0]!)).toMatchObject({ requestId: denied.requestId, datasetId });
      expect(seen.request.event?.payload).toMatchObject({ requestId: denied.requestId, datasetId, datasetSha256: v1.sha256, ownerMemberId: 'hospital-a', status: 'pending' });
      expect(seen.denial.redacted).toEqual(expect.arrayContaining(['args[0].reason', 'args[0].operator', 'response.denial.reason', 'event.payload.denial.reason']) as unknown);
      expect(seen.denial.event?.payload).toMatchObject({ status: 'denied', denial: { txId: denialTx.txId } });
      expect(seen.analysis.redacted).toEqual(expect.arrayContaining(['args[0].requester', 'args[0].columns', 'response.columns']) as unknown);
      expect(seen.analysis.event?.payload).toMatchObject({ grants: [{ requestId: granted.requestId, datasetId, sha256: v1.sha256 }] });
      expect(seen.block.transactions.map((t) => t.txId)).toContain(denialTx.txId);
      const byOperation = new Map(seen.provenance.entries.map((e) => [e.operation, e]));
      expect(byOperation.get('add')).toMatchObject({ description: v1.description, operator: v1.operator });
      for (const operation of ['request', 'deny', 'grant', 'analysis'] as const) {
        const entry = byOperation.get(operation);
        expect(entry).toMatchObject({ txId: expect.any(String) as unknown, redacted: ['description', 'operator'] });
        expect(entry).not.toHaveProperty('description');
      }
    }

    for (const insider of [readers.requester, readers.owner, readers.admin]) {
      const seen = await read(insider);
      expect(seen.request).not.toHaveProperty('redacted');
      expect(JSON.parse(seen.request.args[0]!)).toMatchObject({ purpose: denied.purpose, columns: denied.columns, requester: 'researcher-a' });
      expect(seen.denial.event?.payload).toMatchObject({ denial: { reason: 'Reason-of-denial: outside the consent', operator: 'reviewer-a' } });
      expect(seen.analysis).not.toHaveProperty('redacted');
      const descriptions = seen.provenance.entries.map((e) => e.description);
      expect(descriptions).toEqual(expect.arrayContaining([denied.purpose, 'Reason-of-denial: outside the consent']) as unknown);
      expect(seen.provenance.entries.every((e) => e.redacted === undefined)).toBe(true);
    }
  });

  it('answers records: dataset, datasets of an owner, member, members, access request and access check', async () => {
    const v1 = datasetVersion();
    await client.bus.request(LedgerAddDataset.CONTRACT, v1, { actor: hospitalA });
    await expect(client.bus.request(LedgerGetDataset.CONTRACT, { datasetId: v1.datasetId })).resolves.toMatchObject({ datasetId: v1.datasetId, ownerMemberId: 'hospital-a' });
    await expect(client.bus.request(LedgerGetDataset.CONTRACT, { datasetId: uniqueId('none') })).rejects.toMatchObject({ code: LedgerChaincodeErrorCode.DatasetNotFound });

    const { datasets } = await client.bus.request(LedgerListDatasets.CONTRACT, { ownerMemberId: 'hospital-a' });
    expect(datasets.map((d) => d.datasetId)).toContain(v1.datasetId);
    expect((await client.bus.request(LedgerListDatasets.CONTRACT, { ownerMemberId: 'hospital-b' })).datasets).toEqual([]);

    await expect(client.bus.request(LedgerGetMember.CONTRACT, { memberId: 'hospital-b' })).resolves.toMatchObject({ mspId: 'HospitalBMSP', status: 'active' });
    const { members } = await client.bus.request(LedgerListMembers.CONTRACT, {});
    expect(members.map((m) => m.memberId)).toEqual(expect.arrayContaining(['hospital-a', 'hospital-b']) as unknown);

    const request = accessRequest(v1.datasetId);
    await client.bus.request(LedgerRequestAccess.CONTRACT, request, { actor: Actors.service });
    await expect(client.bus.request(LedgerGetAccessRequest.CONTRACT, { requestId: request.requestId })).resolves.toMatchObject({ status: 'pending' });
    await expect(
      client.bus.request(LedgerCheckAccess.CONTRACT, { datasetId: v1.datasetId, requester: request.requester, columns: ['age'], statistics: ['mean'] }),
    ).resolves.toEqual({ inForce: false, code: 'ACCESS.NOT_GRANTED', reason: expect.any(String) as unknown });
  });

  it('answers blocks, transactions, chain height and verification', async () => {
    const added = await client.bus.request(LedgerAddDataset.CONTRACT, datasetVersion(), { actor: hospitalA });
    const info = await client.bus.request(LedgerGetChainInfo.CONTRACT, {});
    expect(info.height).toBeGreaterThan(added.blockNumber);

    const block = await client.bus.request(LedgerGetBlock.CONTRACT, { blockNumber: added.blockNumber });
    expect(block.transactions.map((t) => t.txId)).toContain(added.txId);
    const tip = await client.bus.request(LedgerGetBlock.CONTRACT, { blockNumber: info.height - 1 });
    expect(tip.hash).toBe(info.currentBlockHash);

    const tx = await client.bus.request(LedgerGetTransaction.CONTRACT, { txId: added.txId });
    expect(tx).toMatchObject({ blockNumber: added.blockNumber, event: { name: 'DatasetAdded', payload: { txId: added.txId } } });

    await expect(client.bus.request(LedgerGetBlock.CONTRACT, { blockNumber: info.height + 10 })).rejects.toMatchObject({ code: LedgerErrorCode.NOT_FOUND });
    await expect(client.bus.request(LedgerGetTransaction.CONTRACT, { txId: 'f'.repeat(64) })).rejects.toMatchObject({ code: LedgerErrorCode.NOT_FOUND });
    await expect(client.bus.request(LedgerVerifyChain.CONTRACT, {})).resolves.toEqual({ ok: true, height: expect.any(Number) as unknown });
  });

  // Last: it stops the service and alters its ledger file.
  it('names the altered block when one byte of a stored block is changed', async () => {
    for (let i = 0; i < 3; i++) await client.bus.request(LedgerAddDataset.CONTRACT, datasetVersion(), { actor: hospitalA });
    const { height } = await client.bus.request(LedgerGetChainInfo.CONTRACT, {});
    const victim = height - 2;
    await app?.close();
    app = undefined;

    // Raw SQLite on the closed ledger file: flip one byte of a transaction id in the block's data
    // (the bytes stay valid JSON, so only the hashes can tell).
    const db = new Database(join(data.dir, 'ledger', DATABASE_FILE));
    try {
      const row = db.prepare('SELECT bytes FROM blocks WHERE number = ?').get(victim) as { bytes: Buffer };
      const bytes = Buffer.from(row.bytes);
      const at = bytes.indexOf('"txId":"') + 8;
      expect(at).toBeGreaterThan(8);
      bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30;
      db.prepare('UPDATE blocks SET bytes = ? WHERE number = ?').run(bytes, victim);
    } finally {
      db.close();
    }

    const log = memoryLogger('ledger');
    app = await startLedgerService(ledgerEnv(nats.url, data.dir, { LEDGER_VERIFY_ON_START: 'false' }), log.logger);
    const verification = await client.bus.request(LedgerVerifyChain.CONTRACT, {});
    expect(verification).toMatchObject({ ok: false, firstInvalidBlock: victim });
    expect(log.lines()).toContainEqual(expect.objectContaining({ level: 'error', block: victim, msg: 'ledger chain verification failed' }));
  });
});
