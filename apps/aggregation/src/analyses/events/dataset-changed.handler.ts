import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/core';
import { LedgerDatasetAdded, LedgerDatasetDeleted, LedgerDatasetUpdated } from '@phdmf/contracts';
import { ProjectionStore } from '../infrastructure/projection-store';

type DatasetEvent = LedgerDatasetAdded.Payload | LedgerDatasetUpdated.Payload | LedgerDatasetDeleted.Payload;

/** Keeps each dataset's hash, version, owner and status equal to the committed record. */
@EventsHandler(LedgerDatasetAdded.Payload, LedgerDatasetUpdated.Payload, LedgerDatasetDeleted.Payload)
export class DatasetChangedHandler implements IEventHandler<DatasetEvent> {
  constructor(
    private readonly em: EntityManager,
    private readonly store: ProjectionStore,
  ) {}

  async handle(event: DatasetEvent): Promise<void> {
    await this.store.applyDataset(this.em, event.record);
  }
}
