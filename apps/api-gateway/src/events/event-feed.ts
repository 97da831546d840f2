import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { NatsConnection } from 'nats';
import type { AccessTokenClaims } from '@phdmf/auth';
import { AuthErrorCode } from '@phdmf/auth';
import { CommonErrorCode, PhdmfError } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { MESSAGING_OPTIONS, NATS_CONNECTION, type MessagingOptions } from '@phdmf/messaging';
import { requestIdOf } from '../edge/request-id';
import { EventStreamReader } from './event-stream-reader';
import { EventVisibility } from './event-visibility';
import { SESSION_EXPIRED_EVENT, type FeedEvent } from './feed-events';
import { refuseBeyond, resumeAfter } from './last-event-id';

/** A comment line this often keeps proxies and load balancers from closing an idle stream. */
export const KEEP_ALIVE_MS = 15_000;

/**
 * Serves one caller's event stream: resolves where it resumes (refusing a bad Last-Event-ID before
 * anything is sent), then writes each event the caller may see, in stream order, until the client
 * goes away or the token expires.
 */
@Injectable()
export class EventFeed implements OnModuleDestroy {
  private readonly reader: EventStreamReader;
  private readonly logger: Logger;
  private readonly open = new Set<AbortController>();

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
    private readonly visibility: EventVisibility,
  ) {
    this.logger = options.logger;
    this.reader = new EventStreamReader(nc, this.logger);
  }

  async serve(req: Request, res: Response, queryLastEventId: string | undefined, user: AccessTokenClaims): Promise<void> {
    const requested = resumeAfter(req.headers['last-event-id'], queryLastEventId);
    const last = await this.reader.lastSequence().catch((error: unknown) => {
      throw new PhdmfError(CommonErrorCode.UNAVAILABLE, 'The event stream is unavailable; retry later', { retryable: true }, { cause: error });
    });
    if (requested !== undefined) refuseBeyond(requested, last);
    const after = requested ?? last;

    const stop = new AbortController();
    this.open.add(stop);
    res.status(200);
    res.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    // A first line at once, so that a client (and every proxy between) sees the stream open.
    res.write(': stream open\n\n');
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    const expiry = setTimeout(() => {
      res.write(`event: ${SESSION_EXPIRED_EVENT}\ndata: ${JSON.stringify({ code: AuthErrorCode.TOKEN_EXPIRED, expiredAt: user.expiresAt.toISOString() })}\n\n`);
      stop.abort();
    }, Math.max(0, user.expiresAt.getTime() - Date.now()));
    // The response's close, not the request's: a GET's request stream may close as soon as it is read.
    res.on('close', () => {
      stop.abort();
    });
    try {
      for await (const stored of this.reader.eventsAfter(after, stop.signal)) {
        const event = await this.asSeenBy(stored, user, req, stop.signal);
        if (event === undefined) continue;
        if (stop.signal.aborted) break;
        if (!res.write(`id: ${event.seq}\nevent: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`)) await drained(res, stop.signal);
      }
    } catch (error) {
      // Headers are sent: the stream can only end; the client reconnects with its last id.
      this.logger.error({ err: error, correlationId: requestIdOf(req), code: 'EVENTS.FEED_FAILED' }, 'an event stream ended on an error');
    } finally {
      clearInterval(keepAlive);
      clearTimeout(expiry);
      this.open.delete(stop);
      res.end();
    }
  }

  /**
   * The visibility rule for one event; a lookup it needs that fails (a service down) is retried,
   * never skipped: skipping would lose the event for good, since the client's last id moves past it.
   */
  private async asSeenBy(event: FeedEvent, user: AccessTokenClaims, req: Request, signal: AbortSignal): Promise<FeedEvent | undefined> {
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        return await this.visibility.asSeenBy(event, user);
      } catch (error) {
        this.logger.warn({ err: error, correlationId: requestIdOf(req), seq: event.seq, code: 'EVENTS.VISIBILITY_LOOKUP_FAILED' }, 'an event feed could not decide an event\'s visibility; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 5_000)));
      }
    }
    return undefined;
  }

  /** Ends every open stream (the edge is shutting down): clients reconnect elsewhere with their last id. */
  onModuleDestroy(): void {
    for (const stop of this.open) stop.abort();
    this.reader.close();
  }
}

function drained(res: Response, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
