import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode as NatsErrorCode, NatsError, type NatsConnection } from 'nats';
import { CommonErrorCode, PhdmfError, type PayloadOf, type RequestContract, type ResultOf } from '@phdmf/contracts';
import { SpanKind, inSpan, natsLatency, natsSpanAttributes, outcomeOf, secondsSince, subjectLabel, traceInProgress } from '@phdmf/observability';
import { Correlation } from '@phdmf/logging';
import { decodeJson, encodeJson } from '../lib/codec';
import { downstreamTimeout } from '../lib/deadline';
import { outgoingHeaders, type ActorHeader } from '../lib/headers';
import { MESSAGING_OPTIONS, NATS_CONNECTION, type MessagingOptions } from '../lib/options';
import { RemoteError, isWireError } from '../lib/remote-error';
import type { RpcReply } from './nats-rpc.server';
import { ReplyInbox } from './reply-inbox';

export interface RequestOptions {
  /**
   * The longest this call may wait; defaults to the service's NATS_REQUEST_TIMEOUT_MS. Shortened to
   * what is left of the deadline of the request being served, if any (see lib/deadline.ts).
   */
  timeoutMs?: number;
  /** Acting user, when it is not the one of the current correlation scope. */
  actor?: ActorHeader;
}

/**
 * Sends commands and queries. Every call has a deadline, within the caller's; a failure comes back as a PhdmfError
 * whose code says what happened (the remote handler's own code, or a MESSAGING.* code).
 */
@Injectable()
export class MessageBus {
  /** Requests go through a reply inbox of the bus's own, not nats.js's request() (see reply-inbox.ts). */
  private readonly inbox: ReplyInbox;

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {
    this.inbox = new ReplyInbox(nc);
  }

  request<C extends RequestContract<object, unknown>>(contract: C, payload: PayloadOf<C>, opts: RequestOptions = {}): Promise<ResultOf<C>> {
    const subject = subjectLabel(contract.subject);
    // The hot path: outside a sampled trace no span, no context switch, no promise of its own.
    if (!traceInProgress()) return this.send(contract, payload, opts, subject);
    // A client span per request; its traceparent travels in the headers (outgoingHeaders).
    return inSpan(subject, SpanKind.CLIENT, natsSpanAttributes(subject), () => this.send(contract, payload, opts, subject));
  }

  /** One request/reply, timed with its outcome (one async function: this is every request's path). */
  private async send<C extends RequestContract<object, unknown>>(contract: C, payload: PayloadOf<C>, opts: RequestOptions, subject: string): Promise<ResultOf<C>> {
    const start = process.hrtime.bigint();
    let code: string | undefined;
    try {
      // One reading of the clock for both: read twice, a tick between them passed on a deadline 1 ms
      // past the caller's own, less the margin (seen in CI).
      const now = Date.now();
      const timeout = downstreamTimeout(opts.timeoutMs ?? this.options.requestTimeoutMs, contract.subject, Correlation.current()?.deadline, now);
      let reply;
      try {
        reply = await this.inbox.request(contract.subject, encodeJson(payload), { timeout, headers: outgoingHeaders(opts.actor, now + timeout) });
      } catch (error) {
        throw transportError(error, contract.subject, timeout);
      }
      const body = decodeJson(reply.data) as RpcReply<ResultOf<C>>;
      if (body.ok) return body.data;
      if (isWireError(body.error)) throw new RemoteError(body.error, contract.subject);
      throw new PhdmfError(CommonErrorCode.MALFORMED_MESSAGE, `Malformed reply on ${contract.subject}`);
    } catch (error) {
      code = outcomeOf(error);
      throw error;
    } finally {
      natsLatency('client', subject, code).observe(secondsSince(start));
    }
  }
}

// The nats client's error codes as plain strings (NatsError.code is typed as string).
const NO_RESPONDERS: string = NatsErrorCode.NoResponders;
const TIMED_OUT: string = NatsErrorCode.Timeout;
const CLOSED: string = NatsErrorCode.ConnectionClosed;
const DRAINING: string = NatsErrorCode.ConnectionDraining;

function transportError(error: unknown, subject: string, timeout: number): PhdmfError {
  if (error instanceof NatsError) {
    const code: string = error.code;
    if (code === NO_RESPONDERS) {
      return new PhdmfError(CommonErrorCode.NO_RESPONDERS, `No service answers ${subject}`, { subject });
    }
    if (code === TIMED_OUT) {
      return new PhdmfError(CommonErrorCode.TIMEOUT, `No reply on ${subject} within ${timeout} ms`, { subject, timeoutMs: timeout });
    }
    if (code === CLOSED || code === DRAINING) {
      return new PhdmfError(CommonErrorCode.UNAVAILABLE, `NATS connection is closed (${subject})`, { subject });
    }
  }
  return new PhdmfError(CommonErrorCode.UNAVAILABLE, `Request on ${subject} failed: ${error instanceof Error ? error.message : String(error)}`, { subject });
}
