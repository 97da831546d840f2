// Publishes a batch of messages to JetStream and waits for every acknowledgement, with one reply
// subscription for all of them and one deadline per batch.
//
// Why not EventPublisher (js.publish) per event: js.publish is a request/reply that allocates a
// reply mailbox, a timer and an error (with stack) per message. At the ledger's rates (thousands of
// events per second, on the same event loop that commits blocks) that was about a quarter of the
// service's CPU per transaction. The wire result is the same: each message carries its
// Nats-Msg-Id, JetStream acknowledges it on the reply subject (or reports it a duplicate), and a
// batch that is not fully acknowledged is published again by the caller.
import { createInbox, type MsgHdrs, type NatsConnection, type Subscription } from 'nats';

/** One message to store. */
export interface JetStreamMessage {
  subject: string;
  data: Uint8Array;
  headers: MsgHdrs;
}

/** How a batch was stored. */
export interface BatchAck {
  stored: number;
  /** Messages JetStream already had (same Nats-Msg-Id within its duplicate window). */
  duplicates: number;
}

interface Waiter {
  resolve: (duplicate: boolean) => void;
  reject: (error: Error) => void;
}

const decoder = new TextDecoder();

export class JetStreamBatchPublisher {
  private readonly inbox: string;
  private readonly waiters = new Map<string, Waiter>();
  private readonly subscription: Subscription;
  private sequence = 0;

  /** `inboxPrefix`: the connection's (acknowledgements arrive where this identity may read). */
  constructor(
    private readonly nc: NatsConnection,
    inboxPrefix?: string,
  ) {
    this.inbox = createInbox(inboxPrefix);
    this.subscription = nc.subscribe(`${this.inbox}.*`, {
      callback: (error, msg) => {
        if (error !== null) return; // the subscription closed; pending batches time out and are retried
        const token = msg.subject.slice(this.inbox.length + 1);
        const waiter = this.waiters.get(token);
        if (waiter === undefined) return; // an ack that arrived after its batch gave up
        this.waiters.delete(token);
        if (msg.headers?.hasError === true) {
          waiter.reject(new Error(`JetStream refused the message: ${String(msg.headers.code)} ${msg.headers.description}`));
          return;
        }
        try {
          const ack = JSON.parse(decoder.decode(msg.data)) as { seq?: number; duplicate?: boolean; error?: { description?: string } };
          if (ack.error !== undefined || typeof ack.seq !== 'number') waiter.reject(new Error(`JetStream refused the message: ${ack.error?.description ?? 'no sequence'}`));
          else waiter.resolve(ack.duplicate === true);
        } catch {
          waiter.reject(new Error('JetStream sent an unreadable acknowledgement'));
        }
      },
    });
  }

  /**
   * Publishes the messages in order and resolves when JetStream acknowledged all of them; rejects
   * on the first refusal or when `timeoutMs` passes first. Some may be stored even then: publish
   * the batch again, the stream discards the duplicates.
   */
  async publishAll(messages: readonly JetStreamMessage[], timeoutMs: number): Promise<BatchAck> {
    const tokens: string[] = [];
    const acks = messages.map(
      (m) =>
        new Promise<boolean>((resolve, reject) => {
          const token = (this.sequence++).toString(36);
          tokens.push(token);
          this.waiters.set(token, { resolve, reject });
          this.nc.publish(m.subject, m.data, { reply: `${this.inbox}.${token}`, headers: m.headers });
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`JetStream did not acknowledge ${messages.length} message(s) within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      const duplicates = (await Promise.race([Promise.all(acks), deadline])).filter(Boolean).length;
      return { stored: messages.length - duplicates, duplicates };
    } finally {
      clearTimeout(timer);
      for (const token of tokens) this.waiters.delete(token);
      // Settled or abandoned, none of these promises may surface as an unhandled rejection.
      for (const ack of acks) ack.catch(() => undefined);
    }
  }

  close(): void {
    this.subscription.unsubscribe();
    for (const waiter of this.waiters.values()) waiter.reject(new Error('the publisher closed'));
    this.waiters.clear();
  }
}
