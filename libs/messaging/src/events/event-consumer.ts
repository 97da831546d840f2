import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConsumerInfo, ConsumerMessages, JsMsg, NatsConnection } from 'nats';
import { Correlation } from '@phdmf/logging';
import { Metrics, SpanKind, extractTraceContext, inSpan, subjectLabel } from '@phdmf/observability';
import { decodeJson } from '../lib/codec';
import { headerValuesGetter } from '../lib/trace-headers';
import { Header, readHeaders, scopeFromHeaders } from '../lib/headers';
import { MESSAGING_OPTIONS, NATS_CONNECTION, type MessagingOptions } from '../lib/options';
import { toWireError } from '../lib/remote-error';
import { validatePayload } from '../lib/validation';
import { CqrsEventBridge } from './cqrs-event-bridge';
import {
  consumerDrift,
  EVENT_CONSUMERS,
  EVENT_STREAM,
  eventConsumerSpec,
  EventProvisioningCode,
  JS_CONSUMER_NOT_FOUND,
  JS_STREAM_NOT_FOUND,
  jsErrorCode,
  PROVISIONING_HINT,
} from './event-stream';
import { Inbox } from './inbox';

const MAX_BACKOFF_MS = 30_000;

/**
 * The service's durable JetStream consumer. A message is acked only after its handlers succeeded
 * and the idempotency record committed; a failure naks it with a growing delay so JetStream
 * redelivers it. The durable is provisioned with one event in flight at a time (EVENT_CONSUMERS),
 * so events are handled in stream order and a failing one is retried before any later one.
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

  /**
   * Binds to the durable the platform provisioned (event-stream.ts); it never creates or changes
   * one, for its NATS user may not. A missing stream or durable is waited for rather than fatal:
   * on Kubernetes the provisioning Job and the services roll out together, and the service's
   * requests and queries need no events; until then it logs MESSAGING.EVENTS_NOT_PROVISIONED.
   */
  onApplicationBootstrap(): void {
    if (!this.options.events?.consume) return;
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.messages?.stop();
    await this.loop;
  }

  private async run(): Promise<void> {
    let missing: string | undefined; // what the last failed bind reported missing, so it is said once, not every retry
    let retryMs = 500;
    while (this.running) {
      try {
        const consumer = await this.nc.jetstream().consumers.get(EVENT_STREAM.name, this.durableName);
        if (missing !== undefined) this.options.logger.info({ stream: EVENT_STREAM.name, durable: this.durableName }, 'event stream and durable consumer provisioned; consuming');
        missing = undefined;
        retryMs = 500;
        this.reportDrift(await consumer.info(true));
        this.messages = await consumer.consume({ max_messages: 64, idle_heartbeat: 5_000 });
        // Shutdown may have begun while the pull was being set up.
        if (this.stopping()) this.messages.stop();
        for await (const msg of this.messages) {
          await this.handle(msg);
          if (this.stopping()) break;
        }
      } catch (error) {
        if (this.stopping()) break;
        const absent = this.absentOf(error);
        if (absent === undefined) {
          // The server restarted or the connection dropped: resume from the durable's position.
          this.options.logger.warn({ err: error }, 'event consumer interrupted; resuming');
          retryMs = 500;
        } else {
          if (absent !== missing) {
            this.options.logger.error(
              { code: EventProvisioningCode.NOT_PROVISIONED, stream: EVENT_STREAM.name, durable: this.durableName, missing: absent },
              `${absent} does not exist: no events are consumed until it does; ${PROVISIONING_HINT}`,
            );
          }
          missing = absent;
          retryMs = Math.min(retryMs * 2, 5_000);
        }
        await new Promise((r) => setTimeout(r, retryMs));
      }
    }
  }

  /** Which provisioned object a failed bind found missing, or undefined for any other failure. */
  private absentOf(error: unknown): string | undefined {
    switch (jsErrorCode(error)) {
      case JS_STREAM_NOT_FOUND:
        return `the event stream ${EVENT_STREAM.name}`;
      case JS_CONSUMER_NOT_FOUND:
        return `the durable consumer ${this.durableName} of ${EVENT_STREAM.name}`;
      default:
        return undefined;
    }
  }

  /** The durable's settings are the platform's; one that differs from its declaration is provisioning not re-run since an upgrade. */
  private reportDrift(info: ConsumerInfo): void {
    const declared = EVENT_CONSUMERS.find((c) => c.durable === this.durableName) ?? eventConsumerSpec(this.durableName);
    const drift = consumerDrift(info, declared);
    if (drift.length > 0) {
      this.options.logger.warn({ code: EventProvisioningCode.CONSUMER_DRIFT, stream: EVENT_STREAM.name, durable: this.durableName, drift }, `durable consumer settings differ from their declaration; ${PROVISIONING_HINT}`);
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
    const headers = readHeaders(msg.headers);
    const eventId = headers.get(Header.EventId) || headers.get('Nats-Msg-Id') || `${EVENT_STREAM.name}:${msg.seq}`;
    const scope = scopeFromHeaders(headers, eventId);
    const durable = this.durableName;
    Metrics.consumerPending.set({ durable }, msg.info.pending);
    if (msg.info.redelivered) Metrics.consumerRedeliveries.inc({ durable });
    const subject = subjectLabel(msg.subject);
    // A consumer span, child of the span that published the event (its traceparent went with it).
    await inSpan(subject, SpanKind.CONSUMER, { 'messaging.system': 'nats', 'messaging.destination.name': subject, 'messaging.consumer.group.name': durable }, (span) => Correlation.run(scope, async () => {
      const log = this.options.logger.child({ eventId, subject: msg.subject, delivery: msg.info.deliveryCount });
      let payload: object;
      try {
        payload = validatePayload(route.contract.payload, decodeJson(msg.data));
      } catch (error) {
        // A payload that can never be valid would be redelivered forever; stop it and say so. It
        // stays in the stream (sequence below) for replay once the producer is fixed.
        log.error({ err: toWireError(error), streamSeq: msg.seq }, 'invalid event payload; terminated delivery');
        msg.term();
        Metrics.eventsHandled.inc({ durable, outcome: 'invalid' });
        span.setAttribute('phdmf.outcome', 'invalid');
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
        Metrics.eventsHandled.inc({ durable, outcome: 'failed' });
        span.setAttribute('phdmf.outcome', toWireError(error).code);
        return;
      }
      Metrics.eventsHandled.inc({ durable, outcome: 'ok' });
      try {
        await msg.ackAck();
      } catch (error) {
        // The effect is committed; a redelivery will meet the idempotency record and be acked then.
        log.warn({ err: error }, 'ack not confirmed; a redelivery will be recognised as a duplicate');
      }
    }), extractTraceContext(headers, headerValuesGetter));
  }
}
