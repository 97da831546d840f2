import { EntitySchema, type OptionalProps } from '@mikro-orm/core';

/**
 * An integration event stored in the same database transaction as the change that implies it,
 * relayed to JetStream afterwards. These messaging tables are the one exception to "entities
 * belong to the service that owns the table": every service has its own copy of them, in its own
 * database, defined once here so that the relay and the consumer can rely on their shape.
 */
export class OutboxMessage {
  declare [OptionalProps]?: 'seq';
  seq!: number;
  eventId!: string;
  subject!: string;
  payload!: string;
  headers!: string;
  createdAt!: Date;
  publishedAt?: Date | null;
  attempts!: number;
  lastError?: string | null;
}

export const OutboxMessageSchema = new EntitySchema<OutboxMessage>({
  class: OutboxMessage,
  tableName: 'messaging_outbox',
  properties: {
    seq: { type: 'integer', primary: true, autoincrement: true },
    eventId: { type: 'string', columnType: 'varchar(128)', unique: true, fieldName: 'event_id' },
    subject: { type: 'string', columnType: 'varchar(255)' },
    payload: { type: 'text' },
    headers: { type: 'text' },
    createdAt: { type: 'datetime', fieldName: 'created_at' },
    publishedAt: { type: 'datetime', nullable: true, fieldName: 'published_at', index: true },
    attempts: { type: 'integer' },
    lastError: { type: 'text', nullable: true, fieldName: 'last_error' },
  },
});
