import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { EventCheckpoint as PortCheckpoint } from '../ledger-port/ledger-port';
import { EventCheckpoint } from './event-checkpoint.entity';

/** The relay's checkpoint in the ledger service's own database. */
@Injectable()
export class EventCheckpointStore {
  constructor(private readonly orm: MikroORM) {}

  /** Where to resume; the start of the chain when nothing was published yet. */
  async load(name: string): Promise<PortCheckpoint> {
    const row = await this.orm.em.fork().findOne(EventCheckpoint, { name });
    if (row === null) return { blockNumber: 0 };
    return row.txId === null ? { blockNumber: row.blockNumber } : { blockNumber: row.blockNumber, afterTxId: row.txId };
  }

  /** Records that every event up to and including `txId` in `blockNumber` is on the bus. */
  async save(name: string, blockNumber: number, txId: string): Promise<void> {
    await this.orm.em.fork().upsert(EventCheckpoint, { name, blockNumber, txId, updatedAt: new Date() });
  }
}
