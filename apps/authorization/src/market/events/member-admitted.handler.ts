import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/core';
import { LedgerMemberAdmitted } from '@phdmf/contracts';
import { Projection } from '../infrastructure/projection';

/** A committed admission: the member's name is what the market shows as a dataset's owner. */
@EventsHandler(LedgerMemberAdmitted.Payload)
export class MemberAdmittedHandler implements IEventHandler<LedgerMemberAdmitted.Payload> {
  constructor(
    private readonly em: EntityManager,
    private readonly projection: Projection,
  ) {}

  async handle(event: LedgerMemberAdmitted.Payload): Promise<void> {
    await this.projection.applyMember(this.em, event.record, event.blockNumber);
  }
}
