import type { MikroORM } from '@mikro-orm/core';
import { AccountsAppointInstitutionAdmin, CommonErrorCode, LedgerAdmitMember, LedgerGetMember, LedgerGetTransaction, PhdmfError } from '@phdmf/contracts';
import { memberRecord, registryDatabase, ScriptedBus, silentLogger, storedApplication, testConfig } from '../../../../test-support/registry-world';
import { MembershipApplication } from '../../domain/application';
import { Institution } from '../../domain/institution';
import { InstitutionAdminAppointer } from '../../infrastructure/accounts-client';
import { Admissions } from '../../infrastructure/admissions';
import { AdmitApplicationHandler } from './admit-application.handler';

const admin = { userId: 'admin-1', roles: ['consortium-admin'] };

describe('AdmitApplicationHandler', () => {
  let db: Awaited<ReturnType<typeof registryDatabase>>;
  let orm: MikroORM;
  let bus: ScriptedBus;
  let handler: AdmitApplicationHandler;

  beforeEach(async () => {
    db = await registryDatabase();
    orm = db.orm;
    bus = new ScriptedBus();
    const logger = silentLogger();
    handler = new AdmitApplicationHandler(orm, bus.asBus(), new Admissions(), new InstitutionAdminAppointer(bus.asBus(), logger), testConfig(), logger);
  });

  afterEach(async () => {
    await db.close();
  });

  const reload = (id: string) => orm.em.fork().findOneOrFail(MembershipApplication, { id });
  const institutions = () => orm.em.fork().count(Institution, {});

  it('takes effect only once the ledger answers with the committed transaction, then appoints the applicant', async () => {
    const a = await storedApplication(orm);
    bus.on(LedgerAdmitMember.CONTRACT, () => ({ txId: 'tx-9', blockNumber: 7, record: memberRecord(a, 'tx-9') }));
    bus.on(AccountsAppointInstitutionAdmin.CONTRACT, (_p, actor) => ({ appointedBy: actor }));
    const view = await handler.execute({ applicationId: a.id }, admin);
    expect(view).toMatchObject({ status: 'admitted', decision: { txId: 'tx-9', blockNumber: 7 }, decidedBy: 'admin-1' });
    expect(await institutions()).toBe(1);
    expect((await reload(a.id)).adminAppointedAt).not.toBeNull();
    expect(bus.sent.map((s) => s.subject)).toEqual([LedgerAdmitMember.SUBJECT, AccountsAppointInstitutionAdmin.SUBJECT]);
  });

  it('changes nothing when the ledger does not commit (down, or refusing)', async () => {
    const a = await storedApplication(orm);
    await expect(handler.execute({ applicationId: a.id }, admin)).rejects.toMatchObject({ code: CommonErrorCode.NO_RESPONDERS });
    bus.on(LedgerAdmitMember.CONTRACT, () => {
      throw new PhdmfError('CONSORTIUM.NOT_GOVERNOR', 'not the governor');
    });
    await expect(handler.execute({ applicationId: a.id }, admin)).rejects.toMatchObject({ code: 'CONSORTIUM.NOT_GOVERNOR' });
    expect((await reload(a.id)).status).toBe('pending');
    expect(await institutions()).toBe(0);
  });

  it('recovers an admission committed before its answer was lost (MEMBER.ALREADY_EXISTS)', async () => {
    const a = await storedApplication(orm);
    bus.on(LedgerAdmitMember.CONTRACT, () => {
      throw new PhdmfError('MEMBER.ALREADY_EXISTS', 'exists');
    });
    bus.on(LedgerGetMember.CONTRACT, () => memberRecord(a, 'tx-early'));
    bus.on(LedgerGetTransaction.CONTRACT, () => ({ blockNumber: 3 }));
    bus.on(AccountsAppointInstitutionAdmin.CONTRACT, () => ({}));
    expect(await handler.execute({ applicationId: a.id }, admin)).toMatchObject({ status: 'admitted', decision: { txId: 'tx-early', blockNumber: 3 } });
  });

  it('stays admitted when accounts cannot appoint yet (the chain event retries it)', async () => {
    const a = await storedApplication(orm);
    bus.on(LedgerAdmitMember.CONTRACT, () => ({ txId: 'tx-1', blockNumber: 2, record: memberRecord(a) }));
    expect(await handler.execute({ applicationId: a.id }, admin)).toMatchObject({ status: 'admitted' });
    expect((await reload(a.id)).adminAppointedAt).toBeNull();
  });

  it('refuses, before any ledger transaction, an application whose node id a member took meanwhile', async () => {
    const first = await storedApplication(orm, { nodeId: 'contested-node' });
    const second = await storedApplication(orm, { nodeId: 'contested-node' });
    bus.on(LedgerAdmitMember.CONTRACT, (p) => ({ txId: 'tx-1', blockNumber: 2, record: memberRecord(first.memberId === (p as { memberId: string }).memberId ? first : second) }));
    bus.on(AccountsAppointInstitutionAdmin.CONTRACT, () => ({}));
    await handler.execute({ applicationId: first.id }, admin);
    await expect(handler.execute({ applicationId: second.id }, admin)).rejects.toMatchObject({ code: 'NODE_REGISTRY.NODE_ID_TAKEN' });
    expect(bus.sent.filter((s) => s.subject === LedgerAdmitMember.SUBJECT)).toHaveLength(1);
  });

  it('refuses anyone but the consortium admin, and a decided application', async () => {
    const a = await storedApplication(orm);
    await expect(handler.execute({ applicationId: a.id }, { userId: 'x', organisationId: 'org-a', roles: ['institution-admin'] })).rejects.toMatchObject({ code: 'NODE_REGISTRY.FORBIDDEN' });
    await expect(handler.execute({ applicationId: a.id }, undefined)).rejects.toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
    const decided = await storedApplication(orm, { status: 'rejected' });
    await expect(handler.execute({ applicationId: decided.id }, admin)).rejects.toMatchObject({ code: 'NODE_REGISTRY.ALREADY_DECIDED' });
    expect(bus.sent).toEqual([]);
  });
});
