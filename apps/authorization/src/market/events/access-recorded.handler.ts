import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/core';
import { LedgerAccessDenied, LedgerAccessGranted, LedgerAccessRequested, LedgerAccessRevoked } from '@phdmf/contracts';
import { Projection } from '../infrastructure/projection';

type AccessEvent = LedgerAccessRequested.Payload | LedgerAccessGranted.Payload | LedgerAccessDenied.Payload | LedgerAccessRevoked.Payload;

/**
 * A committed access request or decision — also those this service did not submit itself, or whose
 * answer it lost. Idempotent: the command's answer may have applied the same record already.
 */
@EventsHandler(LedgerAccessRequested.Payload, LedgerAccessGranted.Payload, LedgerAccessDenied.Payload, LedgerAccessRevoked.Payload)
export class AccessRecordedHandler implements IEventHandler<AccessEvent> {
  constructor(
    private readonly em: EntityManager,
    private readonly projection: Projection,
  ) {}

  async handle(event: AccessEvent): Promise<void> {
    await this.projection.applyRequest(this.em, event.record, event.blockNumber);
  }
}
