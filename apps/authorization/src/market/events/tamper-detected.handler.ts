import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/core';
import { LedgerTamperDetected } from '@phdmf/contracts';
import { Projection } from '../infrastructure/projection';

/** A committed tamper finding: the market shows the dataset as `tampered` until a new version is released. */
@EventsHandler(LedgerTamperDetected.Payload)
export class TamperDetectedHandler implements IEventHandler<LedgerTamperDetected.Payload> {
  constructor(
    private readonly em: EntityManager,
    private readonly projection: Projection,
  ) {}

  async handle(event: LedgerTamperDetected.Payload): Promise<void> {
    await this.projection.applyTamperFinding(this.em, event.record, event.blockNumber);
  }
}
