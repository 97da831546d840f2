import { CommonErrorCode, LedgerDenyAccess, LedgerGrantAccess, LedgerRevokeAccess, PhdmfError } from '@phdmf/contracts';
import { authorizationDatabase, datasetRecord, ScriptedBus, ScriptedLedger, Users, wire } from '../../../test-support/authorization-world';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('access decisions (grant, deny, revoke)', () => {
  let db: Awaited<ReturnType<typeof authorizationDatabase>>;
  let bus: ScriptedBus;
  let ledger: ScriptedLedger;
  let parts: ReturnType<typeof wire>;
  let datasetId: string;

  beforeEach(async () => {
    db = await authorizationDatabase();
    bus = new ScriptedBus();
    ledger = new ScriptedLedger(bus);
    parts = wire(db.orm, bus);
    const { record, blockNumber } = ledger.release(datasetRecord());
    await parts.projection.commit((em) => parts.projection.applyDataset(em, record, blockNumber));
    datasetId = record.datasetId;
  });

  afterEach(async () => {
    await db.close();
  });

  const apply = (requester: { userId: string; organisationId?: string; roles: readonly string[] } = Users.researcher) =>
    parts.requestAccess.execute({ datasetId, purpose: 'study', columns: ['age', 'sex'], statistics: ['count', 'mean', 'sd'], requestedExpiry: inDays(30) }, requester);
  const ledgerCalls = () => bus.subjects().filter((s) => [LedgerGrantAccess.SUBJECT, LedgerDenyAccess.SUBJECT, LedgerRevokeAccess.SUBJECT].includes(s));

  it('grants with narrowing, signed as the acting member\'s own organisation; the requester then sees the narrowed scope', async () => {
    const { requestId } = await apply();
    const expiresAt = inDays(10);
    const view = await parts.grant.execute({ requestId, columns: ['age'], statistics: ['count', 'mean'], expiresAt, reason: 'sex withheld' }, Users.memberA);
    expect(view).toMatchObject({ status: 'granted', grant: { columns: ['age'], statistics: ['count', 'mean'], expiresAt, operator: Users.memberA.userId }, blockNumber: ledger.block });
    const sent = bus.sent.find((s) => s.subject === LedgerGrantAccess.SUBJECT);
    expect(sent?.actor).toEqual({ userId: Users.memberA.userId, organisationId: 'hospital-a', roles: ['member'] });
    expect(sent?.payload).toEqual({ requestId, operator: Users.memberA.userId, columns: ['age'], statistics: ['count', 'mean'], expiresAt, reason: 'sex withheld' });
    expect((await parts.getEntry.execute({ datasetId }, Users.researcher)).permission).toEqual({ state: 'granted', requestId, columns: ['age'], statistics: ['count', 'mean'], expiresAt, reason: 'sex withheld', privacy: { mode: 'controlled' } });
    expect((await parts.getEntry.execute({ datasetId }, Users.otherResearcher)).permission).toEqual({ state: 'none' });
  });

  it('refuses another institution\'s staff, researchers and the consortium admin without sending anything to the ledger', async () => {
    const { requestId } = await apply();
    for (const outsider of [Users.adminB, Users.memberB, Users.researcher, Users.consortiumAdmin]) {
      await expect(parts.grant.execute({ requestId }, outsider)).rejects.toMatchObject({ code: 'ACCESS.FORBIDDEN' });
      await expect(parts.deny.execute({ requestId, reason: 'no' }, outsider)).rejects.toMatchObject({ code: 'ACCESS.FORBIDDEN' });
    }
    await expect(parts.grant.execute({ requestId }, undefined)).rejects.toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
    await expect(parts.grant.execute({ requestId: 'no-such-request' }, Users.adminA)).rejects.toMatchObject({ code: 'ACCESS.REQUEST_NOT_FOUND' });
    expect(ledgerCalls()).toEqual([]);
    expect((await parts.getRequest.execute({ requestId }, Users.adminA)).status).toBe('pending');
  });

  it('refuses a widening grant and a decision in the wrong state before the ledger; the ledger\'s own refusal changes nothing', async () => {
    const { requestId } = await apply();
    await expect(parts.grant.execute({ requestId, columns: ['age', 'visit'] }, Users.adminA)).rejects.toMatchObject({ code: 'ACCESS.SCOPE_WIDENED', details: { columns: ['visit'] } });
    await expect(parts.grant.execute({ requestId, statistics: ['quantiles'] }, Users.adminA)).rejects.toMatchObject({ code: 'ACCESS.SCOPE_WIDENED' });
    await expect(parts.grant.execute({ requestId, expiresAt: inDays(60) }, Users.adminA)).rejects.toMatchObject({ code: 'ACCESS.SCOPE_WIDENED' });
    await expect(parts.revoke.execute({ requestId, reason: 'x' }, Users.adminA)).rejects.toMatchObject({ code: 'ACCESS.INVALID_STATE' });
    expect(ledgerCalls()).toEqual([]);

    bus.on(LedgerGrantAccess.CONTRACT, () => {
      throw new PhdmfError('ACCESS.EXPIRED', 'the requested expiry has passed');
    });
    await expect(parts.grant.execute({ requestId }, Users.adminA)).rejects.toMatchObject({ code: 'ACCESS.EXPIRED' });
    expect((await parts.getRequest.execute({ requestId }, Users.researcher)).status).toBe('pending');
    expect((await parts.getEntry.execute({ datasetId }, Users.researcher)).permission.state).toBe('requested');
  });

  it('denies with a reason, and a denied request can be neither granted nor revoked', async () => {
    const { requestId } = await apply();
    const denied = await parts.deny.execute({ requestId, reason: 'purpose unclear' }, Users.adminA);
    expect(denied).toMatchObject({ status: 'denied', denial: { reason: 'purpose unclear', operator: Users.adminA.userId } });
    expect((await parts.getEntry.execute({ datasetId }, Users.researcher)).permission).toEqual({ state: 'denied', requestId, reason: 'purpose unclear' });
    await expect(parts.grant.execute({ requestId }, Users.adminA)).rejects.toMatchObject({ code: 'ACCESS.INVALID_STATE' });
    await expect(parts.revoke.execute({ requestId, reason: 'x' }, Users.adminA)).rejects.toMatchObject({ code: 'ACCESS.INVALID_STATE' });
  });

  it('revokes a grant; the requester sees it revoked with the reason', async () => {
    const { requestId } = await apply();
    await parts.grant.execute({ requestId }, Users.adminA);
    const revoked = await parts.revoke.execute({ requestId, reason: 'consent withdrawn' }, Users.memberA);
    expect(revoked).toMatchObject({ status: 'revoked', revocation: { reason: 'consent withdrawn', operator: Users.memberA.userId } });
    expect((await parts.getEntry.execute({ datasetId }, Users.researcher)).permission).toMatchObject({ state: 'revoked', reason: 'consent withdrawn' });
    expect(bus.sent.find((s) => s.subject === LedgerRevokeAccess.SUBJECT)?.actor).toMatchObject({ organisationId: 'hospital-a' });
  });

  it('recovers a decision whose answer was lost only if the ledger shows it, made by this operator', async () => {
    const { requestId } = await apply();
    const real = bus.answers.get(LedgerGrantAccess.SUBJECT)!;
    bus.on(LedgerGrantAccess.CONTRACT, () => {
      throw new PhdmfError(CommonErrorCode.TIMEOUT, 'no reply');
    });
    await expect(parts.grant.execute({ requestId }, Users.adminA)).rejects.toMatchObject({ code: CommonErrorCode.TIMEOUT });
    expect((await parts.getRequest.execute({ requestId }, Users.adminA)).status).toBe('pending');
    bus.on(LedgerGrantAccess.CONTRACT, (p, a) => {
      real(p, a);
      throw new PhdmfError(CommonErrorCode.TIMEOUT, 'no reply');
    });
    expect(await parts.grant.execute({ requestId }, Users.adminA)).toMatchObject({ status: 'granted', grant: { operator: Users.adminA.userId } });
  });

  it('lists incoming requests for the owner\'s staff only, and one\'s own for anyone; reads a request only where allowed', async () => {
    const first = await apply();
    const second = await apply(Users.memberB);
    await parts.grant.execute({ requestId: first.requestId }, Users.adminA);
    const incoming = await parts.listRequests.execute({ scope: 'incoming' }, Users.memberA);
    expect(incoming.items.map((r) => r.requestId).sort()).toEqual([first.requestId, second.requestId].sort());
    expect((await parts.listRequests.execute({ scope: 'incoming', status: 'granted' }, Users.adminA)).items.map((r) => r.requestId)).toEqual([first.requestId]);
    expect((await parts.listRequests.execute({ scope: 'incoming', datasetId: 'other' }, Users.adminA)).items).toEqual([]);
    expect((await parts.listRequests.execute({ scope: 'incoming' }, Users.adminB)).items).toEqual([]);
    await expect(parts.listRequests.execute({ scope: 'incoming' }, Users.researcher)).rejects.toMatchObject({ code: 'ACCESS.FORBIDDEN' });
    await expect(parts.listRequests.execute({ scope: 'incoming' }, Users.consortiumAdmin)).rejects.toMatchObject({ code: 'ACCESS.FORBIDDEN' });
    expect((await parts.listRequests.execute({ scope: 'mine' }, Users.memberB)).items.map((r) => r.requestId)).toEqual([second.requestId]);
    expect((await parts.listRequests.execute({ scope: 'mine' }, Users.researcher)).items.map((r) => r.requestId)).toEqual([first.requestId]);

    for (const reader of [Users.researcher, Users.memberA, Users.adminA, Users.consortiumAdmin]) {
      expect((await parts.getRequest.execute({ requestId: first.requestId }, reader)).requestId).toBe(first.requestId);
    }
    for (const outsider of [Users.otherResearcher, Users.adminB, Users.memberB]) {
      await expect(parts.getRequest.execute({ requestId: first.requestId }, outsider)).rejects.toMatchObject({ code: 'ACCESS.FORBIDDEN' });
    }
  });
});
