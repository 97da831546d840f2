import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { JetStreamClient, MsgHdrs, NatsConnection, PubAck } from 'nats';
import type { EventContract } from '@phdmf/contracts';
import { encodeJson } from '../lib/codec';
import { Header, outgoingHeaders } from '../lib/headers';
import { NATS_CONNECTION } from '../lib/options';

export interface PublishOptions {
  /** JetStream de-duplication id; defaults to a new UUID. Ledger events use `<txId>:<index>`. */
  eventId?: string;
  occurredAt?: Date;
}

/**
 * Publishes an integration event straight to JetStream and waits for the stream's ack. Use it for
 * events that no database change of this service implies (the ledger's chain events); an event
 * that follows a database change goes through the Outbox instead.
 */
@Injectable()
export class EventPublisher {
  private readonly js: JetStreamClient;

  constructor(@Inject(NATS_CONNECTION) nc: NatsConnection) {
    this.js = nc.jetstream();
  }

  async publish<P extends object>(contract: EventContract<P>, payload: P, opts: PublishOptions = {}): Promise<PubAck> {
    const eventId = opts.eventId ?? randomUUID();
    const headers = outgoingHeaders();
    headers.set(Header.EventId, eventId);
    headers.set(Header.OccurredAt, (opts.occurredAt ?? new Date()).toISOString());
    return this.publishRaw(contract.subject, encodeJson(payload), eventId, headers);
  }

  /** Publishes bytes already encoded (the outbox relay stores them that way). */
  async publishRaw(subject: string, data: Uint8Array, eventId: string, headers: MsgHdrs): Promise<PubAck> {
    return this.js.publish(subject, data, { msgID: eventId, headers });
  }
}
