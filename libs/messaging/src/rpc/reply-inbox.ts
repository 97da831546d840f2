// Request/reply for MessageBus: one reply subscription per bus, a map of the requests that wait, a
// timer each — instead of nats.js's `request()`.
//
// Why: for every request it answers, nats.js's `request()` builds a `Cancelled` NatsError with its
// stack (RequestOne.cancel rejects the promise it has just resolved), and, unless the connection sets
// noAsyncTraces, two more errors with stacks; with its deferred, its timer and its own mux that is
// ~20 µs of the caller's CPU per request on this project's machines — more than validation, headers,
// metrics and tracing together (bench/messaging, bench/README.md). The library stays the transport:
// this is `subscribe` and `publish` with a reply subject, as nats.js's own mux does them.
//
// It answers as nats.js's `request()` does, so MessageBus maps failures the same way: the reply
// subject is `<inbox prefix>.<nuid>.<n>` (NATS_INBOX_PREFIX, so a site's permissions still hold); a
// reply with no payload and status 503 is NoResponders; none within the timeout is Timeout; a publish
// the server refuses (permissions) fails the requests to that subject at once; a refused or closed
// reply subscription fails what waits, and the next request subscribes again.
import { ErrorCode, NatsError, nuid, type ConnectionOptions, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from 'nats';

interface Waiting {
  subject: string;
  resolve: (reply: Msg) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

/** NATS core's status for "nobody subscribes to the subject" (a reply without payload). */
const NO_RESPONDERS_STATUS = 503;

export class ReplyInbox {
  private readonly waiting = new Map<string, Waiting>();
  private subscription: Subscription | undefined;
  private prefix = '';
  private sent = 0;

  /** The connection's inbox prefix (NATS_INBOX_PREFIX), which its NATS user may subscribe under. */
  private readonly inboxPrefix: string;

  constructor(private readonly nc: NatsConnection) {
    // nats.js keeps the options a connection was opened with on the connection; its own request() reads
    // the prefix from there too (the NatsConnection interface does not declare the field).
    this.inboxPrefix = (nc as { options?: ConnectionOptions }).options?.inboxPrefix ?? '_INBOX';
    // Best effort: without it a refused publish is answered at its timeout, as it would be anyway.
    this.watchRefusals().catch(() => undefined);
  }

  /** Publishes `data` to `subject` with a reply subject of this inbox; resolves with the reply. */
  request(subject: string, data: Uint8Array, options: { timeout: number; headers?: MsgHdrs }): Promise<Msg> {
    if (this.nc.isClosed()) return Promise.reject(NatsError.errorForCode(ErrorCode.ConnectionClosed));
    if (this.nc.isDraining()) return Promise.reject(NatsError.errorForCode(ErrorCode.ConnectionDraining));
    const replyTo = this.replySubjectPrefix();
    const token = String(++this.sent);
    return new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(token, NatsError.errorForCode(ErrorCode.Timeout));
      }, options.timeout);
      this.waiting.set(token, { subject, resolve, reject, timer });
      try {
        this.nc.publish(subject, data, { reply: replyTo + token, ...(options.headers ? { headers: options.headers } : {}) });
      } catch (error) {
        this.settle(token, error);
      }
    });
  }

  /** The reply subscription's subject prefix, subscribing first if there is none. */
  private replySubjectPrefix(): string {
    if (this.subscription === undefined) {
      const prefix = `${this.inboxPrefix}.${nuid.next()}.`;
      const subscription = this.nc.subscribe(`${prefix}*`, {
        callback: (error, reply) => {
          if (error) {
            // The server refused the subscription (permissions): nothing will come back to it.
            this.dropSubscription(subscription, error);
            return;
          }
          this.answer(reply);
        },
      });
      // Closed with the connection, or drained: whatever still waits will get no reply here.
      void subscription.closed.then(() => {
        this.dropSubscription(subscription, NatsError.errorForCode(ErrorCode.ConnectionClosed));
      });
      this.subscription = subscription;
      this.prefix = prefix;
    }
    return this.prefix;
  }

  private answer(reply: Msg): void {
    const token = reply.subject.slice(this.prefix.length);
    if (reply.data.length === 0 && reply.headers?.code === NO_RESPONDERS_STATUS) {
      this.settle(token, NatsError.errorForCode(ErrorCode.NoResponders));
      return;
    }
    const waiting = this.take(token);
    waiting?.resolve(reply);
  }

  private settle(token: string, error: unknown): void {
    this.take(token)?.reject(error);
  }

  private take(token: string): Waiting | undefined {
    const waiting = this.waiting.get(token);
    if (waiting === undefined) return undefined; // answered already, or timed out: a late reply is dropped
    this.waiting.delete(token);
    clearTimeout(waiting.timer);
    return waiting;
  }

  private dropSubscription(subscription: Subscription, error: unknown): void {
    if (this.subscription !== subscription) return;
    this.subscription = undefined;
    for (const token of [...this.waiting.keys()]) this.settle(token, error);
  }

  /**
   * A publish the server refuses arrives as an error on the connection, naming the subject: the
   * requests to it fail at once (as with nats.js's request()) instead of waiting for their timeout.
   */
  private async watchRefusals(): Promise<void> {
    for await (const status of this.nc.status()) {
      const refused = status.permissionContext;
      if (refused?.operation !== 'publish') continue;
      for (const [token, waiting] of [...this.waiting]) {
        if (waiting.subject === refused.subject) {
          this.settle(token, new NatsError(`Permissions Violation for Publish to "${refused.subject}"`, ErrorCode.PermissionsViolation));
        }
      }
    }
  }
}
