import { Inject } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/core';
import { LedgerMemberAdmitted } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { LOGGER } from '../../registry.tokens';
import { MembershipApplication } from '../domain/application';
import { InstitutionAdminAppointer } from '../infrastructure/accounts-client';
import { Admissions } from '../infrastructure/admissions';

/**
 * Reflects a committed admission even when the admit command's answer was lost (a timeout after
 * commit, a restart), and retries the admin appointment until accounts takes it: a failure here
 * leaves the event un-acked, so JetStream redelivers it.
 */
@EventsHandler(LedgerMemberAdmitted.Payload)
export class MemberAdmittedHandler implements IEventHandler<LedgerMemberAdmitted.Payload> {
  constructor(
    private readonly em: EntityManager,
    private readonly admissions: Admissions,
    private readonly appointer: InstitutionAdminAppointer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(event: LedgerMemberAdmitted.Payload): Promise<void> {
    const application = await this.em.findOne(MembershipApplication, { memberId: event.record.memberId });
    if (!application) {
      this.logger.info({ memberId: event.record.memberId, txId: event.txId }, 'member admitted without an application here; nothing to reflect');
      return;
    }
    await this.admissions.apply(this.em, application, event.record, event.txId, event.blockNumber, null);
    await this.appointer.appoint(this.em, application);
  }
}
