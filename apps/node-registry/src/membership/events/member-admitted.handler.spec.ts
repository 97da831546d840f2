import type { MikroORM } from '@mikro-orm/core';
import { AccountsAppointInstitutionAdmin, CommonErrorCode, PhdmfError, type LedgerMemberAdmitted } from '@phdmf/contracts';
import { memberRecord, registryDatabase, ScriptedBus, silentLogger, storedApplication } from '../../../test-support/registry-world';
import { MembershipApplication } from '../domain/application';
import { Institution } from '../domain/institution';
import { InstitutionAdminAppointer } from '../infrastructure/accounts-client';
import { Admissions } from '../infrastructure/admissions';
import { MemberAdmittedHandler } from './member-admitted.handler';

describe('MemberAdmittedHandler (the committed admission, from the chain event)', () => {
  let db: Awaited<ReturnType<typeof registryDatabase>>;
  let orm: MikroORM;
  let bus: ScriptedBus;

  beforeEach(async () => {
    db = await registryDatabase();
    orm = db.orm;
    bus = new ScriptedBus();
  });

  afterEach(async () => {
    await db.close();
  });

  function handle(event: LedgerMemberAdmitted.Payload): Promise<void> {
    // As the Inbox runs it: one transaction for the handler's writes.
    return orm.em.fork().transactional(async (em) => {
      const logger = silentLogger();
      await new MemberAdmittedHandler(em, new Admissions(), new InstitutionAdminAppointer(bus.asBus(), logger), logger).handle(event);
    });
  }

  const eventFor = (a: MembershipApplication, txId = 'tx-5'): LedgerMemberAdmitted.Payload =>
    ({ txId, blockNumber: 4, txIndex: 0, eventIndex: 0, eventName: 'MemberAdmitted', record: memberRecord(a, txId) });

  it('reflects an admission whose command answer was lost, appoints the admin, and ignores a redelivery', async () => {
    const a = await storedApplication(orm);
    bus.on(AccountsAppointInstitutionAdmin.CONTRACT, () => ({}));
    await handle(eventFor(a));
    await handle(eventFor(a));
    const stored = await orm.em.fork().findOneOrFail(MembershipApplication, { id: a.id });
    expect(stored.toView()).toMatchObject({ status: 'admitted', decision: { txId: 'tx-5', blockNumber: 4 } });
    expect(stored.adminAppointedAt).not.toBeNull();
    expect(await orm.em.fork().count(Institution, {})).toBe(1);
    expect(bus.sent.filter((s) => s.subject === AccountsAppointInstitutionAdmin.SUBJECT)).toHaveLength(1);
  });

  it('fails (so the event is redelivered) while accounts is unreachable, keeping nothing half-done', async () => {
    const a = await storedApplication(orm);
    await expect(handle(eventFor(a))).rejects.toMatchObject({ code: CommonErrorCode.NO_RESPONDERS });
    expect((await orm.em.fork().findOneOrFail(MembershipApplication, { id: a.id })).status).toBe('pending');
    expect(await orm.em.fork().count(Institution, {})).toBe(0);
  });

  it('does not block later events on a refusal that a retry cannot change', async () => {
    const a = await storedApplication(orm);
    bus.on(AccountsAppointInstitutionAdmin.CONTRACT, () => {
      throw new PhdmfError('ACCOUNTS.USER_NOT_FOUND', 'gone');
    });
    await handle(eventFor(a));
    const stored = await orm.em.fork().findOneOrFail(MembershipApplication, { id: a.id });
    expect(stored.status).toBe('admitted');
    expect(stored.adminAppointedAt).toBeNull();
  });
});
