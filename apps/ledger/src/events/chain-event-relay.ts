// Republishes every committed chaincode event as a durable bus event.
//
// The relay reads the chain's events from its checkpoint (block and transaction of the last event
// JetStream acknowledged), publishes them, and only then advances the checkpoint. A restart
// resumes from the checkpoint, so nothing is missed. A crash between publish and checkpoint makes
// the next run publish the same events again with the same message id, `<txId>:<eventIndex>`,
// which JetStream discards (its duplicate window) and consumers' idempotency records catch after
// that, so nothing is duplicated either.
//
// Events are published in batches: everything already committed is taken at once (up to
// LEDGER_EVENT_PUBLISH_BATCH), published without waiting for each ack in turn (see
// jetstream-batch-publisher.ts for why not EventPublisher). The publishes leave on one connection
// in commit order, so the stream keeps that order. If a publish fails, the whole batch is retried;
// events of the batch that were stored already are discarded as duplicates.
//
// The checkpoint follows the acknowledgements without holding up the next batch: it is saved
// at once when events start flowing, then at most every CHECKPOINT_INTERVAL_MS while they flow
// (always the last acknowledged position), and when the relay stops. Saving after every batch
// cost 5% of the service's event loop at thousands of events per second (an ORM upsert per
// block, several milliseconds of CPU each); a crash now replays at most a second of events, which
// JetStream discards as duplicates (its window is an hour) like any other replay, and a clean stop
// still leaves the exact position.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { LEDGER_EVENTS, ledgerEventId, type LedgerEventName } from '@phdmf/contracts';
import { observeRelayWaiting, observeRelayed } from '@phdmf/observability';
import type { Logger } from '@phdmf/logging';
import { Header, NATS_CONNECTION } from '@phdmf/messaging';
import { headers as natsHeaders, type NatsConnection } from 'nats';
import { LedgerConfig } from '../config';
import { LEDGER_PORT, type EventCheckpoint, type LedgerChaincodeEvent, type LedgerPort } from '../ledger-port/ledger-port';
import { LEDGER_LOGGER } from '../ledger.tokens';
import { EventCheckpointStore } from './event-checkpoint.store';
import { JetStreamBatchPublisher, type JetStreamMessage } from './jetstream-batch-publisher';

/** The checkpoint row of this relay. */
export const RELAY_CHECKPOINT = 'chain-events';

const STOP = Symbol('stop');
const IDLE = Symbol('idle');
const MAX_BACKOFF_MS = 10_000;
const ACK_TIMEOUT_MS = 5_000;
const CHECKPOINT_INTERVAL_MS = 1_000;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const CLOSING = Buffer.from('}');

/** Counters for logs and tests. */
export interface RelayStats {
  /** Events JetStream stored. */
  published: number;
  /** Publishes JetStream discarded as already stored (a replay after a crash). */
  duplicates: number;
  /** Chain events with no bus contract or an unreadable payload (logged as errors). */
  skipped: number;
}

@Injectable()
export class ChainEventRelay implements OnApplicationBootstrap, OnModuleDestroy {
  readonly stats: RelayStats = { published: 0, duplicates: 0, skipped: 0 };
  private running = false;
  private loop: Promise<void> | undefined;
  private stopRelay: () => void = () => undefined;
  private readonly stopped = new Promise<typeof STOP>((resolve) => {
    this.stopRelay = () => {
      resolve(STOP);
    };
  });
  private readonly batchSize: number;
  private readonly publisher: JetStreamBatchPublisher;
  /** The last acknowledged position not saved yet, and the saver at work, if any. */
  private unsaved: { blockNumber: number; txId: string } | undefined;
  private saver: Promise<void> | undefined;

  constructor(
    @Inject(LEDGER_PORT) private readonly ledger: LedgerPort,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    private readonly checkpoints: EventCheckpointStore,
    config: LedgerConfig,
    @Inject(LEDGER_LOGGER) private readonly logger: Logger,
  ) {
    this.batchSize = config.LEDGER_EVENT_PUBLISH_BATCH;
    this.publisher = new JetStreamBatchPublisher(nc, config.NATS_INBOX_PREFIX);
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the batch in flight is published and checkpointed (or abandoned, if NATS is down). */
  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.stopRelay();
    await this.loop;
    // The saver sees the relay stopped and saves the last acknowledged position without waiting.
    await this.saver;
    this.publisher.close();
  }

  // Methods rather than the fields, because the compiler would keep them narrowed across awaits.
  private active(): boolean {
    return this.running;
  }

  private checkpointPending(): boolean {
    return this.unsaved !== undefined;
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.active()) {
      try {
        const from = await this.checkpoints.load(RELAY_CHECKPOINT);
        this.logger.info({ checkpoint: from }, 'relaying chain events from checkpoint');
        await this.relayFrom(from);
        backoff = 100;
      } catch (error) {
        if (!this.active()) break;
        this.logger.error({ err: error, retryInMs: backoff }, 'chain event relay failed; resuming from the checkpoint');
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private async relayFrom(from: EventCheckpoint): Promise<void> {
    const events = this.ledger.chaincodeEvents(from)[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<LedgerChaincodeEvent>> | undefined;
    const next = (): Promise<IteratorResult<LedgerChaincodeEvent>> => (pending ??= events.next());
    try {
      while (this.active()) {
        observeRelayWaiting(true);
        const first = await Promise.race([next(), this.stopped]);
        observeRelayWaiting(false);
        if (first === STOP) return;
        pending = undefined;
        if (first.done === true) return;
        // Take whatever else is committed already, without waiting for new blocks: committed events
        // arrive in microtasks, so whatever is still pending once the event loop turns waits for a block.
        const batch = [first.value];
        const turned = idle();
        let ended = false;
        while (batch.length < this.batchSize) {
          const more = await Promise.race([next(), turned]);
          if (more === IDLE) break;
          pending = undefined;
          if (more.done === true) {
            ended = true;
            break;
          }
          batch.push(more.value);
        }
        await this.publish(batch);
        if (ended) return;
      }
    } finally {
      // Let the stream go (it ends at its next event, or when the ledger closes). An event it still
      // hands over is not lost: it is after the checkpoint, and the next stream starts there.
      events.return?.().catch(() => undefined);
    }
  }

  private async publish(batch: LedgerChaincodeEvent[]): Promise<void> {
    // The batch is published at once: one publication time for all of it.
    const occurredAt = new Date().toISOString();
    const outgoing = batch.flatMap((event) => this.toMessage(event, occurredAt));
    let backoff = 100;
    for (;;) {
      try {
        const { stored, duplicates } = await this.publisher.publishAll(outgoing, ACK_TIMEOUT_MS);
        this.stats.published += stored;
        this.stats.duplicates += duplicates;
        break;
      } catch (error) {
        // The checkpoint has not moved: if we stop now, the next start publishes this batch again.
        if (!this.active()) throw error;
        this.logger.warn({ err: error, events: outgoing.length, retryInMs: backoff }, 'publishing chain events failed; retrying');
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
    const last = batch[batch.length - 1];
    if (last !== undefined) {
      observeRelayed(last.blockNumber);
      this.unsaved = { blockNumber: last.blockNumber, txId: last.txId };
      this.saver ??= this.saveCheckpoints();
    }
    this.logger.debug({ events: batch.length, block: last?.blockNumber }, 'chain events published');
  }

  /** Saves the latest acknowledged position until there is none left to save (see the top of the file). */
  private async saveCheckpoints(): Promise<void> {
    let backoff = 100;
    try {
      while (this.unsaved !== undefined) {
        const checkpoint = this.unsaved;
        this.unsaved = undefined;
        try {
          await this.checkpoints.save(RELAY_CHECKPOINT, checkpoint.blockNumber, checkpoint.txId);
          backoff = 100;
        } catch (error) {
          // Events are on the bus; only the resume point is behind. Keep the newest position to save.
          this.unsaved ??= checkpoint;
          this.logger.warn({ err: error, checkpoint, retryInMs: backoff }, 'saving the chain event checkpoint failed; retrying');
          if (!this.active()) return;
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
          continue;
        }
        if (this.checkpointPending() && this.active()) await this.sleep(CHECKPOINT_INTERVAL_MS);
      }
    } finally {
      this.saver = undefined;
    }
  }

  /**
   * The bus message of a chain event: the LedgerChainEventPayload JSON, with the chaincode's
   * marshalled record embedded as it is (no parse and re-serialise), and the headers EventPublisher
   * would set, the event id `<txId>:<eventIndex>` as Nats-Msg-Id.
   */
  private toMessage(event: LedgerChaincodeEvent, occurredAt: string): JetStreamMessage[] {
    const { txId, blockNumber, txIndex, eventIndex, eventName, payload } = event;
    if (!Object.prototype.hasOwnProperty.call(LEDGER_EVENTS, eventName)) {
      this.stats.skipped += 1;
      this.logger.error({ txId, blockNumber, eventName }, 'chain event has no bus contract; not republished');
      return [];
    }
    // The chaincode marshals every record as a compact JSON object.
    if (payload[0] !== OPEN_BRACE || payload[payload.length - 1] !== CLOSE_BRACE) {
      this.stats.skipped += 1;
      this.logger.error({ txId, blockNumber, eventName }, 'chain event payload is not a JSON object; not republished');
      return [];
    }
    const eventId = ledgerEventId(txId, eventIndex);
    // append, not set: the headers are new, and set() first searches for the key to replace.
    const headers = natsHeaders();
    headers.append('Nats-Msg-Id', eventId);
    headers.append(Header.EventId, eventId);
    headers.append(Header.OccurredAt, occurredAt);
    headers.append(Header.CorrelationId, randomUUID());
    const head = `{"txId":${JSON.stringify(txId)},"blockNumber":${blockNumber},"txIndex":${txIndex},"eventIndex":${eventIndex},"eventName":${JSON.stringify(eventName)},"record":`;
    const subject = LEDGER_EVENTS[eventName as LedgerEventName].SUBJECT;
    return [{ subject, data: Buffer.concat([Buffer.from(head), payload, CLOSING]), headers }];
  }

  private async sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), this.stopped]);
    clearTimeout(timer);
  }
}

/** Resolves after pending I/O callbacks: an event that is not ready by then has to wait for a block. */
function idle(): Promise<typeof IDLE> {
  return new Promise((resolve) => setImmediate(resolve, IDLE));
}
