import { randomUUID } from 'node:crypto';
import { LedgerAccessGranted, LedgerAccessRequested, LedgerDatasetAdded, LedgerDatasetDeleted, LedgerDatasetUpdated, LedgerMemberAdmitted, LedgerTamperDetected } from '@phdmf/contracts';
import { Inbox } from '@phdmf/messaging';
import { accessRecord, authorizationDatabase, datasetRecord, memberRecord, ScriptedBus, Users, wire } from '../../../test-support/authorization-world';
import { AccessRecordedHandler } from './access-recorded.handler';
import { DatasetRecordedHandler } from './dataset-recorded.handler';
import { MemberAdmittedHandler } from './member-admitted.handler';
import { TamperDetectedHandler } from './tamper-detected.handler';

// The handlers run as the event consumer runs them: inside the inbox's transaction, through the
// global EntityManager that MikroORM routes to that transaction.
describe('projection of ledger events', () => {
  let db: Awaited<ReturnType<typeof authorizationDatabase>>;
  let parts: ReturnType<typeof wire>;
  let inbox: Inbox;
  let handlers: { member: MemberAdmittedHandler; dataset: DatasetRecordedHandler; tamper: TamperDetectedHandler; access: AccessRecordedHandler };

  beforeEach(async () => {
    db = await authorizationDatabase();
    parts = wire(db.orm, new ScriptedBus());
    inbox = new Inbox(db.orm);
    const em = db.orm.em;
    handlers = {
      member: new MemberAdmittedHandler(em, parts.projection),
      dataset: new DatasetRecordedHandler(em, parts.projection),
      tamper: new TamperDetectedHandler(em, parts.projection),
      access: new AccessRecordedHandler(em, parts.projection),
    };
  });

  afterEach(async () => {
    await db.close();
  });

  let block = 0;
  function event<R extends { txId: string }>(eventName: string, record: R) {
    block += 1;
    return { txId: record.txId, blockNumber: block, txIndex: 0, eventIndex: 0, eventName, record };
  }
  const deliver = (subject: string, e: { txId: string }, handle: () => Promise<void>) => inbox.runOnce('authorization', `${e.txId}:0`, subject, handle);
  const entry = (datasetId: string, who = Users.researcher) => parts.getEntry.execute({ datasetId }, who);

  it('builds the market from dataset events in order; a redelivery is a duplicate and changes nothing', async () => {
    const admitted = event('MemberAdmitted', memberRecord('hospital-a', 'Hospital A'));
    expect(await deliver(LedgerMemberAdmitted.SUBJECT, admitted, () => handlers.member.handle(admitted))).toBe('processed');
    const v1 = datasetRecord();
    const added = event('DatasetAdded', v1);
    expect(await deliver(LedgerDatasetAdded.SUBJECT, added, () => handlers.dataset.handle(added))).toBe('processed');
    expect(await entry(v1.datasetId)).toMatchObject({ ownerName: 'Hospital A', version: 1, txId: v1.txId, blockNumber: added.blockNumber, columns: [{ name: 'age', type: 'numeric' }, { name: 'sex', type: 'categorical' }, { name: 'visit', type: 'date' }] });
    expect(await deliver(LedgerDatasetAdded.SUBJECT, added, () => handlers.dataset.handle(added))).toBe('duplicate');

    const v2 = { ...v1, version: 2, columns: ['age', 'bmi'], columnTypes: ['numeric' as const, 'numeric' as const], columnCount: 2, txId: `tx-${randomUUID()}` };
    const updated = event('DatasetUpdated', v2);
    await deliver(LedgerDatasetUpdated.SUBJECT, updated, () => handlers.dataset.handle(updated));
    expect((await parts.search.execute({ column: 'bmi' }, Users.researcher)).total).toBe(1);
    expect((await parts.search.execute({ column: 'sex' }, Users.researcher)).total).toBe(0);
    // The older event delivered again under another id (a replay) does not take the market back.
    const replay = { ...added, txId: `replay-${added.txId}` };
    await deliver(LedgerDatasetAdded.SUBJECT, replay, () => handlers.dataset.handle({ ...added }));
    expect(await entry(v1.datasetId)).toMatchObject({ version: 2, txId: v2.txId });

    const finding = { findingId: 'f-1', datasetId: v1.datasetId, datasetVersion: 2, expectedSha256: v1.sha256, foundSha256: 'f'.repeat(64), nodeId: 'node-a', ownerMemberId: 'hospital-a', mspId: 'hospital-a-msp', detectedAt: new Date().toISOString(), txId: `tx-${randomUUID()}` };
    const tampered = event('TamperDetected', finding);
    await deliver(LedgerTamperDetected.SUBJECT, tampered, () => handlers.tamper.handle(tampered));
    expect(await entry(v1.datasetId)).toMatchObject({ status: 'tampered', txId: finding.txId });

    const gone = event('DatasetDeleted', { ...v2, version: 3, status: 'deleted' as const, txId: `tx-${randomUUID()}` });
    await deliver(LedgerDatasetDeleted.SUBJECT, gone, () => handlers.dataset.handle(gone));
    expect((await entry(v1.datasetId)).status).toBe('deleted');
    expect((await parts.search.execute({}, Users.researcher)).total).toBe(0);
  });

  it('keeps a decision applied from a command\'s answer when the older request event arrives after it', async () => {
    const ds = datasetRecord();
    await parts.projection.commit((em) => parts.projection.applyDataset(em, ds, 1));
    const pending = accessRecord(ds);
    const granted = { ...pending, status: 'granted' as const, grant: { columns: ['age'], statistics: ['count' as const], expiresAt: pending.requestedExpiry, operator: 'admin-a', grantedAt: new Date().toISOString(), txId: 'tx-grant' }, txId: 'tx-grant' };
    // The grant's answer first (the command path), then both events.
    await parts.projection.commit((em) => parts.projection.applyRequest(em, granted, 9));
    const requested = event('AccessRequested', pending);
    await deliver(LedgerAccessRequested.SUBJECT, requested, () => handlers.access.handle(requested));
    const grantEvent = { ...event('AccessGranted', granted), blockNumber: 9 };
    await deliver(LedgerAccessGranted.SUBJECT, grantEvent, () => handlers.access.handle(grantEvent));
    expect(await parts.getRequest.execute({ requestId: pending.requestId }, Users.researcher)).toMatchObject({ status: 'granted', txId: 'tx-grant', blockNumber: 9 });
    expect((await entry(ds.datasetId)).permission.state).toBe('granted');
  });

  it('leaves the event un-acked when its handler fails, and nothing half-applied', async () => {
    const ds = datasetRecord();
    const added = event('DatasetAdded', ds);
    await expect(
      deliver(LedgerDatasetAdded.SUBJECT, added, async () => {
        await handlers.dataset.handle(added);
        throw new Error('database went away');
      }),
    ).rejects.toThrow('database went away');
    expect(await inbox.wasProcessed('authorization', `${ds.txId}:0`)).toBe(false);
    expect((await parts.search.execute({}, Users.researcher)).total).toBe(0);
  });
});
