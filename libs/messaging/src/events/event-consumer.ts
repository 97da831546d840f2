import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import { Correlation } from '@phdmf/logging';
import { decodeJson } from '../lib/codec';
import { Header, scopeFromHeaders } from '../lib/headers';
import { MESSAGING_OPTIONS, NATS_CONNECTION, type MessagingOptions } from '../lib/options';
import { toWireError } from '../lib/remote-error';
import { validatePayload } from '../lib/validation';
import { CqrsEventBridge } from './cqrs-event-bridge';
import { EVENT_STREAM, ensureEventStream } from './event-stream';
import { Inbox } from './inbox';

const MAX_BACKOFF_MS = 30_000;

/**
 * The service's durable JetStream consumer. A message is acked only after its handlers succeeded
 * and the idempotency record committed; a failure naks it with a growing delay so JetStream
 * redelivers it. By default one event is in flight at a time, so events are handled in stream
 * order and a failing one is retried before any later one.
 */
@Injectable()
export class EventConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly bridge: CqrsEventBridge,
    private readonly inbox: Inbox,
  ) {}

  get durableName(): string {
    return this.options.instanceGroup ?? this.options.service;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.events?.consume) return;
    const jsm = await this.nc.jetstreamManager();
    await ensureEventStream(jsm);
    const config = {
      durable_name: this.durableName,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: EVENT_STREAM.subjects[0],
      ack_wait: 30_000_000_000,
      max_deliver: -1,
      max_ack_pending: this.options.events.maxAckPending ?? 1,
    };
    try {
      await jsm.consumers.info(EVENT_STREAM.name, this.durableName);
      await jsm.consumers.update(EVENT_STREAM.name, this.durableName, { max_ack_pending: config.max_ack_pending, ack_wait: config.ack_wait });
    } catch {
      await jsm.consumers.add(EVENT_STREAM.name, config);
    }
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.messages?.stop();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const consumer = await this.nc.jetstream().consumers.get(EVENT_STREAM.name, this.durableName);
        this.messages = await consumer.consume({ max_messages: 64, idle_heartbeat: 5_000 });
        // Shutdown may have begun while the pull was being set up.
        if (this.stopping()) this.messages.stop();
        for await (const msg of this.messages) {
          await this.handle(msg);
          if (this.stopping()) break;
        }
      } catch (error) {
        if (this.stopping()) break;
        // The server restarted or the connection dropped: resume from the durable's position.
        this.options.logger.warn({ err: error }, 'event consumer interrupted; resuming');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  // A method rather than `!this.running` inline: the flag changes while a loop awaits.
  private stopping(): boolean {
    return !this.running;
  }

  /** Handles one delivery: validate, run once, ack; or nak for redelivery. */
  async handle(msg: JsMsg): Promise<void> {
    const route = this.bridge.route(msg.subject);
    if (!route) {
      msg.ack(); // not an event this service listens to
      return;
    }
    const eventId = msg.headers?.get(Header.EventId) || msg.headers?.get('Nats-Msg-Id') || `${EVENT_STREAM.name}:${msg.seq}`;
    const scope = scopeFromHeaders(msg.headers, eventId);
    await Correlation.run(scope, async () => {
      const log = this.options.logger.child({ eventId, subject: msg.subject, delivery: msg.info.deliveryCount });
      let payload: object;
      try {
        payload = validatePayload(route.contract.payload, decodeJson(msg.data));
      } catch (error) {
        // A payload that can never be valid would be redelivered forever; stop it and say so. It
        // stays in the stream (sequence below) for replay once the producer is fixed.
        log.error({ err: toWireError(error), streamSeq: msg.seq }, 'invalid event payload; terminated delivery');
        msg.term();
        return;
      }
      try {
        const outcome = await this.inbox.runOnce(this.durableName, eventId, msg.subject, async () => {
          for (const handler of route.handlers) {
            await handler.handle(payload);
          }
        });
        log.debug({ outcome }, 'event handled');
      } catch (error) {
        const delay = Math.min(MAX_BACKOFF_MS, 200 * 2 ** Math.max(0, msg.info.deliveryCount - 1));
        log.error({ err: error, code: toWireError(error).code, retryInMs: delay, handlers: route.handlers.map((h) => h.name) }, 'event handler failed; will be redelivered');
        msg.nak(delay);
        return;
      }
      try {
        await msg.ackAck();
      } catch (error) {
        // The effect is committed; a redelivery will meet the idempotency record and be acked then.
        log.warn({ err: error }, 'ack not confirmed; a redelivery will be recognised as a duplicate');
      }
    });
  }
}
