// A client of the event feed as an integrator writes one: fetch with a streaming body, parsed by
// `eventsource-parser` (the parser of the `eventsource` package family), keeping every message and
// comment in arrival order with the time it arrived.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface Received {
  id: string | undefined;
  event: string | undefined;
  data: unknown;
  at: number;
}

export class FeedClient {
  readonly messages: Received[] = [];
  readonly comments: string[] = [];
  private readonly abort = new AbortController();
  private readonly waiters = new Set<() => void>();
  /** Resolves when the stream ended (the server closed it, or it broke). */
  readonly ended: Promise<void>;
  status = 0;
  contentType: string | null = null;

  private constructor(response: Response, abort: AbortController) {
    this.abort = abort;
    this.status = response.status;
    this.contentType = response.headers.get('content-type');
    const parser = createParser({
      onEvent: (m: EventSourceMessage) => {
        this.messages.push({ id: m.id, event: m.event, data: JSON.parse(m.data) as unknown, at: Date.now() });
        this.notify();
      },
      onComment: (c) => {
        this.comments.push(c.trim());
        this.notify();
      },
    });
    this.ended = (async () => {
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
        }
      } catch {
        // aborted, or the connection broke (the edge was killed)
      } finally {
        this.notify();
      }
    })();
  }

  /** Opens the feed; resolves once the answer's headers arrived (a refusal is the caller's to read from `status`). */
  static async open(baseUrl: string, token: string, o: { lastEventId?: string; query?: string } = {}): Promise<FeedClient> {
    const abort = new AbortController();
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    if (o.lastEventId !== undefined) headers['last-event-id'] = o.lastEventId;
    const response = await fetch(`${baseUrl}/api/v1/events${o.query ?? ''}`, { headers, signal: abort.signal });
    return new FeedClient(response, abort);
  }

  /** The feed's events (not the session-expired message), in arrival order. */
  events(): Received[] {
    return this.messages.filter((m) => m.id !== undefined);
  }

  lastId(): string | undefined {
    return this.events().at(-1)?.id;
  }

  /** Waits until a message matches, and returns it. */
  async waitFor(match: (m: Received) => boolean, what: string, timeoutMs = 15_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; received: ${JSON.stringify(this.messages.map((m) => [m.id, m.event]))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(200, deadline - Date.now()));
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.abort.abort();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
    this.waiters.clear();
  }
}

/** The record of an event's payload (every feed payload carries one). */
export function recordOf(m: Received): Record<string, unknown> {
  return (m.data as { record: Record<string, unknown> }).record;
}
