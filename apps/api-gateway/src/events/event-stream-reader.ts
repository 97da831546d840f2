// How the edge reads the platform's event stream (PHDMF_EVENTS): by stream sequence, with JetStream's
// message-get API, woken by the events as they are published. No consumer of any kind: creating one
// (even an ephemeral, ordered one) is a right NATS cannot narrow — whoever may create a consumer may
// give it any deliver subject and have the server push the stream onto another service's subjects
// (e2e/nats/event-stream-permissions.spec.ts shows the server accepting that). Reading by sequence is
// the narrowest right that serves the feed: `$JS.API.STREAM.MSG.GET.PHDMF_EVENTS` and a subscription
// to `phdmf.evt.>` (infra/nats/permissions.mjs). It also keeps nothing on the server per client, so a
// reconnect — to this replica, another, or a restarted one — only needs the last sequence.
import { EVENT_STREAM, jsErrorCode } from '@phdmf/messaging';
import { EVENT_SUBJECTS_WILDCARD } from '@phdmf/contracts';
import type { JetStreamManager, MsgRequest, NatsConnection, Subscription } from 'nats';
import type { Logger } from '@phdmf/logging';
import { feedEventNameOf, type FeedEvent } from './feed-events';

/** JetStream's "no message found" (err_code 10037): nothing at or after the asked sequence yet. */
const JS_NO_MESSAGE = 10037;
/** A reader looks again this often even without a wake-up (one lost while NATS reconnected, say). */
const POLL_MS = 1_000;
/** A wake-up can reach the edge a moment before the stream has stored the message: looked again after these. */
const AFTER_WAKE_RETRY_MS = [20, 60, 150] as const;
/** After a failed read (NATS reconnecting), the next try. */
const RETRY_AFTER_ERROR_MS = 1_000;

/**
 * The first event at or after `seq`: the server's message get takes `next_by_subj` with a sequence
 * (nats-server 2.9+); the `nats` client types that field only for direct gets, and sends the query as given.
 */
function atOrAfter(seq: number): MsgRequest {
  return { seq, next_by_subj: EVENT_SUBJECTS_WILDCARD } as MsgRequest;
}

/** One per edge process: reads the stream for every open feed, with one wake-up subscription shared by all. */
export class EventStreamReader {
  private jsm?: Promise<JetStreamManager>;
  private wakeSubscription?: Subscription;
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
  ) {}

  /** The stream's last sequence (0 when it is empty): where a feed without Last-Event-ID starts. */
  async lastSequence(): Promise<number> {
    try {
      return (await (await this.manager()).streams.getMessage(EVENT_STREAM.name, { last_by_subj: EVENT_SUBJECTS_WILDCARD })).seq;
    } catch (error) {
      if (jsErrorCode(error) === JS_NO_MESSAGE) return 0;
      throw error;
    }
  }

  /**
   * The feed's events after `after`, in stream order, as they are committed, until `signal` aborts.
   * Events the feed does not carry are passed over (their sequences are still consumed), so a
   * resumed reader neither misses nor repeats one.
   */
  async *eventsAfter(after: number, signal: AbortSignal): AsyncGenerator<FeedEvent> {
    this.ensureWakeSubscription();
    let next = after + 1;
    let woken = false;
    while (!signal.aborted) {
      const stored = await this.read(next, woken, signal);
      woken = false;
      if (stored === 'none') {
        woken = (await this.sleep(POLL_MS, signal)) === 'woken';
        continue;
      }
      if (stored === 'failed') {
        await this.sleep(RETRY_AFTER_ERROR_MS, signal);
        continue;
      }
      next = stored.seq + 1;
      const name = feedEventNameOf(stored.subject);
      if (name === undefined) continue;
      yield { seq: stored.seq, name, payload: stored.json() };
    }
  }

  /** The first message at or after `seq`, or 'none' yet, or 'failed' (logged). Just woken: a miss is looked at again shortly. */
  private async read(seq: number, justWoken: boolean, signal: AbortSignal): Promise<{ seq: number; subject: string; json: () => FeedEvent['payload'] } | 'none' | 'failed'> {
    const retries = justWoken ? AFTER_WAKE_RETRY_MS : [];
    for (let attempt = 0; ; attempt++) {
      try {
        const msg = await (await this.manager()).streams.getMessage(EVENT_STREAM.name, atOrAfter(seq));
        return { seq: msg.seq, subject: msg.subject, json: () => msg.json<FeedEvent['payload']>() };
      } catch (error) {
        if (jsErrorCode(error) !== JS_NO_MESSAGE) {
          this.logger.warn({ err: error, code: 'EVENTS.STREAM_READ_FAILED', seq }, 'reading the event stream failed; retrying');
          return 'failed';
        }
      }
      const wait = retries[attempt];
      if (wait === undefined || signal.aborted) return 'none';
      await this.sleep(wait, signal, false);
    }
  }

  /** Resolves on the next published event (when `wakeable`), after `ms`, or when `signal` aborts. */
  private sleep(ms: number, signal: AbortSignal, wakeable = true): Promise<'woken' | 'timeout'> {
    return new Promise((resolve) => {
      const done = (how: 'woken' | 'timeout') => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        signal.removeEventListener('abort', abort);
        resolve(how);
      };
      const wake = () => {
        done('woken');
      };
      const abort = () => {
        done('timeout');
      };
      const timer = setTimeout(abort, ms);
      if (wakeable) this.sleepers.add(wake);
      signal.addEventListener('abort', abort, { once: true });
    });
  }

  private ensureWakeSubscription(): void {
    if (this.wakeSubscription && !this.wakeSubscription.isClosed()) return;
    // Only a signal that something was published: what it was is read from the stream, by sequence.
    this.wakeSubscription = this.nc.subscribe(EVENT_SUBJECTS_WILDCARD, {
      callback: () => {
        for (const wake of [...this.sleepers]) wake();
      },
    });
  }

  private manager(): Promise<JetStreamManager> {
    // checkAPI: false — no account-info call; the edge's user may only get messages of this stream.
    this.jsm ??= this.nc.jetstreamManager({ checkAPI: false });
    return this.jsm;
  }

  /** Ends the wake-up subscription (the edge is shutting down). */
  close(): void {
    this.wakeSubscription?.unsubscribe();
  }
}
