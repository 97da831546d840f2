import { EntitySchema } from '@mikro-orm/core';

/**
 * The idempotency record of a consumed event: written in the same transaction as the handlers'
 * effects, so a redelivered event (after a crash between commit and ack) has no second effect.
 */
export class ProcessedEvent {
  consumer!: string;
  eventId!: string;
  subject!: string;
  processedAt!: Date;
}

export const ProcessedEventSchema = new EntitySchema<ProcessedEvent>({
  class: ProcessedEvent,
  tableName: 'messaging_processed_events',
  properties: {
    consumer: { type: 'string', columnType: 'varchar(64)', primary: true },
    eventId: { type: 'string', columnType: 'varchar(128)', primary: true, fieldName: 'event_id' },
    subject: { type: 'string', columnType: 'varchar(255)' },
    processedAt: { type: 'datetime', fieldName: 'processed_at' },
  },
});
