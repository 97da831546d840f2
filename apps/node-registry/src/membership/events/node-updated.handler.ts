import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/core';
import { LedgerNodeUpdated } from '@phdmf/contracts';
import { Institution } from '../domain/institution';

/** Keeps the registry's node configuration equal to the committed one, whoever submitted it. */
@EventsHandler(LedgerNodeUpdated.Payload)
export class NodeUpdatedHandler implements IEventHandler<LedgerNodeUpdated.Payload> {
  constructor(private readonly em: EntityManager) {}

  async handle(event: LedgerNodeUpdated.Payload): Promise<void> {
    const institution = await this.em.findOne(Institution, { memberId: event.record.memberId });
    if (!institution) return;
    if (institution.applyNodeUpdate(event.record, event.txId, event.blockNumber)) await this.em.flush();
  }
}
