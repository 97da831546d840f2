import { EntitySchema } from '@mikro-orm/core';

/**
 * How far the chain's events have been republished on the bus: the block and transaction of the
 * last chaincode event whose publish JetStream acknowledged. One row per relay (`name`).
 */
export class EventCheckpoint {
  name!: string;
  blockNumber!: number;
  /** Null before the first event: start at `blockNumber` with nothing skipped. */
  txId!: string | null;
  updatedAt!: Date;
}

export const EventCheckpointSchema = new EntitySchema<EventCheckpoint>({
  class: EventCheckpoint,
  tableName: 'ledger_event_checkpoints',
  properties: {
    name: { type: 'string', length: 64, primary: true },
    blockNumber: { type: 'integer', fieldName: 'block_number' },
    txId: { type: 'string', length: 128, nullable: true, fieldName: 'tx_id' },
    updatedAt: { type: 'datetime', fieldName: 'updated_at' },
  },
});
