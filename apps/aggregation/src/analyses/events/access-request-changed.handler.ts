import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/core';
import { LedgerAccessDenied, LedgerAccessGranted, LedgerAccessRequested, LedgerAccessRevoked } from '@phdmf/contracts';
import { ProjectionStore } from '../infrastructure/projection-store';

type AccessEvent = LedgerAccessRequested.Payload | LedgerAccessGranted.Payload | LedgerAccessDenied.Payload | LedgerAccessRevoked.Payload;

/** Keeps the projection's access requests equal to the committed ones: requested, granted (with scope), denied, revoked. */
@EventsHandler(LedgerAccessRequested.Payload, LedgerAccessGranted.Payload, LedgerAccessDenied.Payload, LedgerAccessRevoked.Payload)
export class AccessRequestChangedHandler implements IEventHandler<AccessEvent> {
  constructor(
    private readonly em: EntityManager,
    private readonly store: ProjectionStore,
  ) {}

  async handle(event: AccessEvent): Promise<void> {
    await this.store.applyRequest(this.em, event.record);
  }
}
