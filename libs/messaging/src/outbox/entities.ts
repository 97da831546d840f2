import { OutboxMessageSchema } from './outbox-message.entity';
import { ProcessedEventSchema } from './processed-event.entity';

/** The messaging tables every service with a database registers next to its own entities. */
export const MESSAGING_ENTITIES = [OutboxMessageSchema, ProcessedEventSchema];
