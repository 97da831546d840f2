import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MikroORM, type EventSubscriber } from '@mikro-orm/core';
import { headers as natsHeaders } from 'nats';
import { Metrics } from '@phdmf/observability';
import { EventPublisher } from '../events/event-publisher';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../lib/options';
import { OutboxMessage } from './outbox-message.entity';

const BATCH = 100;

/**
 * Publishes committed outbox rows to JetStream in insertion order, each with its event id as
 * Nats-Msg-Id, and marks them published. A crash after publishing and before marking makes the
 * next run publish the same ids again, which JetStream (and then the consumers' idempotency
 * records) discard. Wakes up after every commit, and polls as a safety net.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private kicked = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly publisher: EventPublisher,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.outbox?.relay) return;
    const subscriber: EventSubscriber = {
      afterTransactionCommit: () => {
        this.kick();
      },
    };
    this.orm.em.getEventManager().registerSubscriber(subscriber);
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
  }

  /** Asks the relay to look for new rows now rather than at its next poll. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Publishes what is pending; returns how many rows were published. Exposed for tests. */
  async relayOnce(): Promise<number> {
    const em = this.orm.em.fork();
    const rows = await em.find(OutboxMessage, { publishedAt: null }, { orderBy: { seq: 'asc' }, limit: BATCH });
    let published = 0;
    for (const row of rows) {
      try {
        const h = natsHeaders();
        for (const [k, v] of Object.entries(JSON.parse(row.headers) as Record<string, string>)) h.set(k, v);
        await this.publisher.publishRaw(row.subject, new TextEncoder().encode(row.payload), row.eventId, h);
        row.publishedAt = new Date();
        published += 1;
      } catch (error) {
        // Stop at the first failure so that events leave in the order they were committed.
        row.attempts += 1;
        row.lastError = error instanceof Error ? error.message : String(error);
        this.options.logger.warn({ eventId: row.eventId, subject: row.subject, err: error }, 'outbox publish failed; will retry');
        break;
      }
    }
    await em.flush();
    // A short batch was everything pending; only a full one needs a count.
    Metrics.outboxBacklog.set(rows.length < BATCH ? rows.length - published : await em.count(OutboxMessage, { publishedAt: null }));
    return published;
  }

  // Methods rather than inline reads: the flags change while the loop awaits.
  private stopping(): boolean {
    return !this.running;
  }
  private wasKicked(): boolean {
    return this.kicked;
  }

  private async run(): Promise<void> {
    const poll = this.options.outbox?.pollIntervalMs ?? 500;
    let backoff = poll;
    while (this.running) {
      this.kicked = false;
      let published = 0;
      try {
        published = await this.relayOnce();
        backoff = poll;
      } catch (error) {
        this.options.logger.error({ err: error }, 'outbox relay failed; retrying');
        backoff = Math.min(backoff * 2, 10_000);
      }
      if (published === BATCH || (this.wasKicked() && published > 0)) continue;
      if (this.stopping()) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (this.wasKicked()) this.wake();
      });
      this.wake = undefined;
    }
  }
}
