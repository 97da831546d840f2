import { type CustomTransportStrategy, NatsContext, Server, type MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { CommonErrorCode, type AnyRequestContract } from '@phdmf/contracts';
import { Correlation, type Logger } from '@phdmf/logging';
import { NOT_TRACED, SpanKind, extractTraceContext, inSpan, natsLatency, natsSpanAttributes, secondsSince, subjectLabel, traceInProgress, tracingEnabled, type Span } from '@phdmf/observability';
import { decodeJson, encodeJson } from '../lib/codec';
import { headerValuesGetter } from '../lib/trace-headers';
import { readHeaders, scopeFromHeaders } from '../lib/headers';
import { toWireError } from '../lib/remote-error';
import { validatePayload } from '../lib/validation';
import { CONTRACT_EXTRA } from './handle-request.decorator';

/** The whole message of an uncoded failure on the wire; the service's log has the rest. */
const INTERNAL_MESSAGE = 'internal error (logged by the service that answered)';

/** A reply on the wire: the result, or a coded error. */
export type RpcReply<R> = { ok: true; data: R } | { ok: false; error: { code: string; message: string; details?: unknown } };

/**
 * A thin NestJS transport over the `nats` client: request/reply in a queue group per service.
 * Each message is decoded, validated against its contract, run inside its correlation scope and
 * answered with `{ ok, data }` or `{ ok: false, error: { code, message } }`. Errors keep their
 * codes: nothing collapses into a generic "Internal server error".
 */
export class NatsRpcServer extends Server implements CustomTransportStrategy {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly queueGroup: string,
    private readonly log: Logger,
  ) {
    super();
  }

  listen(callback: (...optionalParams: unknown[]) => void): void {
    for (const [subject, handler] of this.messageHandlers) {
      const contract = handler.extras?.[CONTRACT_EXTRA] as AnyRequestContract | undefined;
      if (!contract) {
        throw new Error(`Handler for "${subject}" must be declared with @HandleRequest(contract)`);
      }
      const sub = this.nc.subscribe(subject, {
        queue: this.queueGroup,
        callback: (err, msg) => {
          if (err) {
            this.log.error({ err, subject }, 'subscription error');
            return;
          }
          this.dispatch(contract, handler, msg, subjectLabel(subject));
        },
      });
      this.subscriptions.push(sub);
    }
    // Started means served: a caller on another connection may send the moment the start returns, and
    // its request must not reach the NATS server before these subscriptions do (it would be answered
    // "no responders"). The flush's round trip lands after every SUB sent on this connection.
    this.nc.flush().then(
      () => {
        callback();
      },
      (error: unknown) => {
        callback(error);
      },
    );
  }

  private dispatch(contract: AnyRequestContract, handler: MessageHandler, msg: Msg, subject: string): void {
    const start = process.hrtime.bigint();
    const headers = readHeaders(msg.headers);
    const scope = scopeFromHeaders(headers);
    // A server span only inside a sampled trace the caller sent (its traceparent); otherwise none,
    // and no context switch: this is every request's path.
    const parent = tracingEnabled() ? extractTraceContext(headers, headerValuesGetter) : undefined;
    if (parent === undefined || !traceInProgress(parent)) {
      void Correlation.run(scope, () => this.answer(contract, handler, msg, subject, start, NOT_TRACED));
      return;
    }
    void inSpan(subject, SpanKind.SERVER, natsSpanAttributes(subject), (span) => Correlation.run(scope, () => this.answer(contract, handler, msg, subject, start, span)), parent);
  }

  /** Validates, runs the handler and replies; the span's and the metric's outcome is the reply's (failures are answered, not thrown). */
  private async answer(contract: AnyRequestContract, handler: MessageHandler, msg: Msg, subject: string, start: bigint, span: Span): Promise<void> {
    let reply: RpcReply<unknown>;
    try {
      const payload = validatePayload(contract.payload, decodeJson(msg.data));
      const result: unknown = await handler(payload, new NatsContext([msg.subject, msg.headers]));
      // Only an Observable (a handler's own, or one an interceptor made) goes through rxjs; a plain
      // result, by far the common case, is answered as it is (Nest's transformToObservable would wrap
      // it in one just for lastValueFrom to unwrap it: two promises and a subscription per request).
      const data: unknown = isObservable(result) ? await lastValueFrom(result, { defaultValue: null }) : result;
      reply = { ok: true, data: data ?? null };
    } catch (error) {
      const wire = toWireError(error);
      // Expected, coded failures are answered quietly; anything unexpected is logged with its stack,
      // and answered with a fixed sentence: its own text may quote data, SQL, paths or an engine's
      // words (a storage site's DuckDB quotes rows), which stay with the service that holds them.
      if (wire.code === CommonErrorCode.INTERNAL) {
        this.log.error({ err: error, subject: msg.subject }, 'handler failed');
        reply = { ok: false, error: { code: wire.code, message: INTERNAL_MESSAGE } };
      } else {
        this.log.debug({ code: wire.code, subject: msg.subject }, 'request refused');
        reply = { ok: false, error: wire };
      }
    }
    if (msg.reply) msg.respond(encodeJson(reply));
    const code = reply.ok ? undefined : reply.error.code;
    if (code !== undefined) span.setAttribute('phdmf.outcome', code);
    natsLatency('server', subject, code).observe(secondsSince(start));
  }

  async close(): Promise<void> {
    // Drain, so requests already received are answered before the connection goes away.
    await Promise.all(this.subscriptions.map((s) => s.drain()));
    this.subscriptions.length = 0;
  }

  on(): never {
    throw new Error('NatsRpcServer does not emit transport events; watch the NATS connection status instead');
  }

  // The signature is Nest's (Server.unwrap<T>); callers name the type they expect.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  unwrap<T = NatsConnection>(): T {
    return this.nc as unknown as T;
  }
}

