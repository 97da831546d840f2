import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/core';
import { LedgerMemberRejected } from '@phdmf/contracts';
import { MembershipApplication } from '../domain/application';

/** Reflects a committed rejection whose command answer the registry did not see. */
@EventsHandler(LedgerMemberRejected.Payload)
export class MemberRejectedHandler implements IEventHandler<LedgerMemberRejected.Payload> {
  constructor(private readonly em: EntityManager) {}

  async handle(event: LedgerMemberRejected.Payload): Promise<void> {
    const application = await this.em.findOne(MembershipApplication, { memberId: event.record.memberId });
    if (!application || application.status === 'admitted') return;
    application.recordDecision('rejected', {
      txId: event.txId,
      blockNumber: event.blockNumber,
      at: new Date(event.record.decidedAt),
      by: null,
      ...(event.record.reason !== undefined ? { reason: event.record.reason } : {}),
    });
    await this.em.flush();
  }
}
