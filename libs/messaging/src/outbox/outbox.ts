import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { EventContract } from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import { Header } from '../lib/headers';
import { OutboxMessage } from './outbox-message.entity';

export interface EnqueueOptions {
  eventId?: string;
  occurredAt?: Date;
}

/**
 * Stores an integration event in the caller's unit of work. It reaches JetStream only after that
 * unit of work commits (the OutboxRelay publishes it), and always then, even if the process dies
 * in between: the row survives, the relay finds it on the next start.
 */
@Injectable()
export class Outbox {
  enqueue<P extends object>(em: EntityManager, contract: EventContract<P>, payload: P, opts: EnqueueOptions = {}): string {
    const eventId = opts.eventId ?? randomUUID();
    const scope = Correlation.current();
    const headers: Record<string, string> = {
      [Header.EventId]: eventId,
      [Header.OccurredAt]: (opts.occurredAt ?? new Date()).toISOString(),
      [Header.CorrelationId]: scope?.correlationId ?? randomUUID(),
    };
    if (scope?.actor) headers[Header.Actor] = JSON.stringify(scope.actor);
    if (scope?.causationId) headers[Header.CausationId] = scope.causationId;
    em.persist(
      em.create(OutboxMessage, {
        eventId,
        subject: contract.subject,
        payload: JSON.stringify(payload),
        headers: JSON.stringify(headers),
        createdAt: new Date(),
        publishedAt: null,
        attempts: 0,
        lastError: null,
      }),
    );
    return eventId;
  }
}
