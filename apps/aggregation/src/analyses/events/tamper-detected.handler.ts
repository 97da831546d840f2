import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/core';
import { LedgerTamperDetected } from '@phdmf/contracts';
import { ProjectionStore } from '../infrastructure/projection-store';

/** A committed tamper finding takes the dataset out of every analysis until a good version is recorded. */
@EventsHandler(LedgerTamperDetected.Payload)
export class TamperDetectedHandler implements IEventHandler<LedgerTamperDetected.Payload> {
  constructor(
    private readonly em: EntityManager,
    private readonly store: ProjectionStore,
  ) {}

  async handle(event: LedgerTamperDetected.Payload): Promise<void> {
    await this.store.applyTamperFinding(this.em, event.record, event.txId);
  }
}
