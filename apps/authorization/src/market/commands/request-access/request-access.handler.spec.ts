import { CommonErrorCode, LedgerGetAccessRequest, LedgerRequestAccess, PhdmfError } from '@phdmf/contracts';
import { authorizationDatabase, datasetRecord, ScriptedBus, ScriptedLedger, Users, wire } from '../../../../test-support/authorization-world';
import { SERVICE_ACTOR } from './request-access.handler';

const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

describe('RequestAccessHandler', () => {
  let db: Awaited<ReturnType<typeof authorizationDatabase>>;
  let bus: ScriptedBus;
  let ledger: ScriptedLedger;
  let parts: ReturnType<typeof wire>;

  beforeEach(async () => {
    db = await authorizationDatabase();
    bus = new ScriptedBus();
    ledger = new ScriptedLedger(bus);
    parts = wire(db.orm, bus);
  });

  afterEach(async () => {
    await db.close();
  });

  async function released(overrides: Parameters<typeof datasetRecord>[0] = {}) {
    const { record, blockNumber } = ledger.release(datasetRecord(overrides));
    await parts.projection.commit((em) => parts.projection.applyDataset(em, record, blockNumber));
    return record;
  }

  const apply = (datasetId: string, actor: { userId: string; organisationId?: string; roles: readonly string[] } = Users.researcher, p: Partial<{ columns: string[]; requestedExpiry: string }> = {}) =>
    parts.requestAccess.execute({ datasetId, purpose: 'blood pressure by age band', columns: ['age'], statistics: ['count', 'mean'], requestedExpiry: inAWeek(), ...p }, actor);

  it('files the request as the service for the researcher, and shows it only with the committed answer', async () => {
    const ds = await released();
    const view = await apply(ds.datasetId);
    expect(view).toMatchObject({ datasetId: ds.datasetId, requester: Users.researcher.userId, status: 'pending', columns: ['age'], blockNumber: ledger.block });
    expect(view.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const sent = bus.sent.find((s) => s.subject === LedgerRequestAccess.SUBJECT);
    expect(sent?.actor).toEqual(SERVICE_ACTOR);
    expect(sent?.payload).toMatchObject({ requestId: view.requestId, requester: Users.researcher.userId });
    expect(sent?.payload).not.toHaveProperty('requesterOrg');
    expect((await parts.getEntry.execute({ datasetId: ds.datasetId }, Users.researcher)).permission).toMatchObject({ state: 'requested', requestId: view.requestId });
    // Another institution's member applies with their organisation recorded.
    await apply(ds.datasetId, Users.memberB);
    expect(bus.sent.filter((s) => s.subject === LedgerRequestAccess.SUBJECT).at(-1)?.payload).toMatchObject({ requester: Users.memberB.userId, requesterOrg: 'hospital-b' });
  });

  it('shows nothing changed while the ledger has not answered, and nothing at all when it refuses', async () => {
    const ds = await released();
    let commit!: () => void;
    const answered = new Promise<void>((resolve) => (commit = resolve));
    const real = bus.answers.get(LedgerRequestAccess.SUBJECT)!;
    bus.on(LedgerRequestAccess.CONTRACT, async (p, a) => {
      await answered;
      return real(p, a);
    });
    const pending = apply(ds.datasetId);
    await new Promise((r) => setTimeout(r, 50));
    expect((await parts.getEntry.execute({ datasetId: ds.datasetId }, Users.researcher)).permission).toEqual({ state: 'none' });
    expect((await parts.listRequests.execute({ scope: 'mine' }, Users.researcher)).items).toEqual([]);
    commit();
    await pending;
    expect((await parts.getEntry.execute({ datasetId: ds.datasetId }, Users.researcher)).permission.state).toBe('requested');

    bus.on(LedgerRequestAccess.CONTRACT, () => {
      throw new PhdmfError('LEDGER.UNAVAILABLE', 'down');
    });
    await expect(apply(ds.datasetId, Users.otherResearcher)).rejects.toMatchObject({ code: 'LEDGER.UNAVAILABLE' });
    expect((await parts.listRequests.execute({ scope: 'mine' }, Users.otherResearcher)).items).toEqual([]);
  });

  it('recovers a request committed whose answer was lost (a timeout), from the ledger itself', async () => {
    const ds = await released();
    const real = bus.answers.get(LedgerRequestAccess.SUBJECT)!;
    bus.on(LedgerRequestAccess.CONTRACT, (p, a) => {
      real(p, a);
      throw new PhdmfError(CommonErrorCode.TIMEOUT, 'no reply in time');
    });
    const view = await apply(ds.datasetId);
    expect(view).toMatchObject({ status: 'pending', requester: Users.researcher.userId });
    expect(bus.subjects()).toContain(LedgerGetAccessRequest.SUBJECT);
    // A timeout on a request that did not commit is one clear "try again".
    bus.on(LedgerRequestAccess.CONTRACT, () => {
      throw new PhdmfError(CommonErrorCode.TIMEOUT, 'no reply in time');
    });
    await expect(apply(ds.datasetId, Users.otherResearcher)).rejects.toMatchObject({ code: 'LEDGER.UNAVAILABLE', details: { retryable: true, cause: CommonErrorCode.TIMEOUT } });
  });

  it('answers "try again" while the ledger is away, and the same request sent again is recorded once', async () => {
    const ds = await released();
    const expiry = inAWeek();
    const real = bus.answers.get(LedgerRequestAccess.SUBJECT)!;
    const realRead = bus.answers.get(LedgerGetAccessRequest.SUBJECT)!;
    // The ledger commits, then goes away before anyone hears of it: the answer and the read-back are lost.
    bus.on(LedgerRequestAccess.CONTRACT, (p, a) => {
      real(p, a);
      throw new PhdmfError(CommonErrorCode.TIMEOUT, 'no reply in time');
    });
    bus.on(LedgerGetAccessRequest.CONTRACT, () => {
      throw new PhdmfError(CommonErrorCode.NO_RESPONDERS, 'no ledger');
    });
    await expect(apply(ds.datasetId, Users.researcher, { requestedExpiry: expiry })).rejects.toMatchObject({ code: 'LEDGER.UNAVAILABLE' });
    expect((await parts.listRequests.execute({ scope: 'mine' }, Users.researcher)).items).toEqual([]);

    // Back: the client sends the same request again, and gets the one on record.
    bus.on(LedgerRequestAccess.CONTRACT, real);
    bus.on(LedgerGetAccessRequest.CONTRACT, realRead);
    const view = await apply(ds.datasetId, Users.researcher, { requestedExpiry: expiry });
    expect(view).toMatchObject({ status: 'pending', requester: Users.researcher.userId });
    expect([...ledger.requests.keys()]).toEqual([view.requestId]);
    expect((await parts.listRequests.execute({ scope: 'mine' }, Users.researcher)).items.map((r) => r.requestId)).toEqual([view.requestId]);
    // A request that differs (another expiry) is a new one.
    const later = new Date(Date.parse(expiry) + 60_000).toISOString();
    expect((await apply(ds.datasetId, Users.researcher, { requestedExpiry: later })).requestId).not.toBe(view.requestId);
  });

  it('refuses before any ledger transaction: a closed dataset, a deleted one, unknown columns, a past expiry, the owner\'s own staff, an admin', async () => {
    const closed = await released();
    await parts.setStance.execute({ datasetId: closed.datasetId, stance: 'closed' }, Users.adminA);
    await expect(apply(closed.datasetId)).rejects.toMatchObject({ code: 'ACCESS.DATASET_CLOSED' });
    await parts.setStance.execute({ datasetId: closed.datasetId, stance: 'open' }, Users.adminA);
    expect((await apply(closed.datasetId)).status).toBe('pending');

    const deleted = await released({ status: 'deleted', version: 2 });
    await expect(apply(deleted.datasetId)).rejects.toMatchObject({ code: 'DATASET.DELETED' });
    const ds = await released();
    await expect(apply(ds.datasetId, Users.researcher, { columns: ['age', 'income'] })).rejects.toMatchObject({ code: 'ACCESS.INVALID_REQUEST', details: { unknownColumns: ['income'] } });
    await expect(apply(ds.datasetId, Users.researcher, { requestedExpiry: '2020-01-01T00:00:00Z' })).rejects.toMatchObject({ code: 'ACCESS.INVALID_REQUEST' });
    await expect(apply(ds.datasetId, Users.memberA)).rejects.toMatchObject({ code: 'ACCESS.FORBIDDEN' });
    await expect(apply(ds.datasetId, Users.consortiumAdmin)).rejects.toMatchObject({ code: 'ACCESS.FORBIDDEN' });
    await expect(
      parts.requestAccess.execute({ datasetId: ds.datasetId, purpose: 'p', columns: ['age'], statistics: ['count'], requestedExpiry: inAWeek() }, undefined),
    ).rejects.toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
    await expect(apply('no-such-dataset')).rejects.toMatchObject({ code: 'MARKET.DATASET_NOT_FOUND' });
    expect(bus.sent.filter((s) => s.subject === LedgerRequestAccess.SUBJECT)).toHaveLength(1);
  });

  it('finds a dataset committed on the ledger that the projection has not seen yet', async () => {
    const { record } = ledger.release(datasetRecord());
    expect((await apply(record.datasetId)).status).toBe('pending');
    expect((await parts.getEntry.execute({ datasetId: record.datasetId }, Users.researcher)).txId).toBe(record.txId);
  });
});
