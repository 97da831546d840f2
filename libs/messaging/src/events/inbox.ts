import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { ProcessedEvent } from '../outbox/processed-event.entity';

export type InboxOutcome = 'processed' | 'duplicate';

/**
 * Runs an event's handlers at most once per consumer: the handlers' database changes, any outbox
 * rows they write and the idempotency record commit together, or not at all.
 */
@Injectable()
export class Inbox {
  constructor(private readonly orm: MikroORM) {}

  async runOnce(consumer: string, eventId: string, subject: string, effect: () => Promise<void>): Promise<InboxOutcome> {
    // Handlers inject the global EntityManager; inside `transactional` MikroORM routes its calls to
    // this transaction's fork, so their writes join the same commit as the idempotency record.
    return this.orm.em.fork().transactional(async (em) => {
      const seen = await em.findOne(ProcessedEvent, { consumer, eventId });
      if (seen) return 'duplicate';
      await effect();
      em.persist(em.create(ProcessedEvent, { consumer, eventId, subject, processedAt: new Date() }));
      return 'processed';
    });
  }

  async wasProcessed(consumer: string, eventId: string): Promise<boolean> {
    return (await this.orm.em.fork().count(ProcessedEvent, { consumer, eventId })) > 0;
  }
}
