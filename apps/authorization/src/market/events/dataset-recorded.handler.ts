import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/core';
import { LedgerDatasetAdded, LedgerDatasetDeleted, LedgerDatasetStanceSet, LedgerDatasetUpdated } from '@phdmf/contracts';
import { Projection } from '../infrastructure/projection';

type DatasetEvent = LedgerDatasetAdded.Payload | LedgerDatasetUpdated.Payload | LedgerDatasetDeleted.Payload | LedgerDatasetStanceSet.Payload;

/**
 * A dataset record committed (released, updated, deleted, or its stance set): the market shows it from this
 * record only, never from a storage node's word. A failure leaves the event un-acked, so it is
 * redelivered; a redelivered or older record changes nothing.
 */
@EventsHandler(LedgerDatasetAdded.Payload, LedgerDatasetUpdated.Payload, LedgerDatasetDeleted.Payload, LedgerDatasetStanceSet.Payload)
export class DatasetRecordedHandler implements IEventHandler<DatasetEvent> {
  constructor(
    private readonly em: EntityManager,
    private readonly projection: Projection,
  ) {}

  async handle(event: DatasetEvent): Promise<void> {
    await this.projection.applyDataset(this.em, event.record, event.blockNumber);
  }
}
