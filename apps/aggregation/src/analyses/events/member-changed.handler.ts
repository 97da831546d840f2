import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/core';
import { LedgerMemberAdmitted, LedgerNodeUpdated } from '@phdmf/contracts';
import { ProjectionStore } from '../infrastructure/projection-store';

type MemberEvent = LedgerMemberAdmitted.Payload | LedgerNodeUpdated.Payload;

/** Keeps each member's node id and node public key (what summaries are verified with) equal to the committed ones. */
@EventsHandler(LedgerMemberAdmitted.Payload, LedgerNodeUpdated.Payload)
export class MemberChangedHandler implements IEventHandler<MemberEvent> {
  constructor(
    private readonly em: EntityManager,
    private readonly store: ProjectionStore,
  ) {}

  async handle(event: MemberEvent): Promise<void> {
    await this.store.applyMember(this.em, event.record);
  }
}
