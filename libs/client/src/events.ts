// The caller's event feed (`GET /api/v1/events`, Server-Sent Events) as an async iterator. Over
// fetch rather than EventSource, which cannot send the Authorization header; parsed by
// eventsource-parser. When the stream ends or breaks, it reconnects after the server's `retry:` (or
// the default delay) with `Last-Event-ID: <the last id seen>`, so nothing is missed or repeated.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { PhdmfApiError } from './errors';
import { sleep } from './retry';
import type { Transport } from './transport';

/** One event of the feed. */
export interface PhdmfEvent {
  /** The event's id (its position in the durable event stream): resume from it with `lastEventId`. */
  id: string | undefined;
  /** What happened (`event:` of the message; `message` when the server named none). */
  type: string;
  /** The message's data, parsed as JSON (the text itself when it is not JSON). */
  data: unknown;
}

export interface EventFeedOptions {
  /** Resume after this id (the last one a previous feed gave). */
  lastEventId?: string;
  /** Ends the feed. */
  signal?: AbortSignal;
  /** Delay before reconnecting, until the server says otherwise with `retry:` (default 1000 ms). */
  reconnectDelayMs?: number;
  /** Path of the feed (default `/api/v1/events`). */
  path?: string;
}

function toEvent(message: EventSourceMessage): PhdmfEvent {
  let data: unknown = message.data;
  try {
    data = JSON.parse(message.data) as unknown;
  } catch {
    // Not JSON: the text is the data.
  }
  return { id: message.id, type: message.event ?? 'message', data };
}

/** The feed; a refusal (4xx: no token, no right) ends it with a PhdmfApiError, anything else reconnects. */
export async function* eventFeed(transport: Transport, o: EventFeedOptions = {}): AsyncGenerator<PhdmfEvent, void, undefined> {
  let lastEventId = o.lastEventId;
  let delay = o.reconnectDelayMs ?? 1_000;
  const url = `${transport.baseUrl}${o.path ?? '/api/v1/events'}`;
  const aborted = () => o.signal?.aborted === true;
  while (!aborted()) {
    const headers = new Headers({ Accept: 'text/event-stream' });
    if (lastEventId !== undefined) headers.set('Last-Event-ID', lastEventId);
    let response: Response | undefined;
    try {
      response = await transport.send(new Request(url, { headers, ...(o.signal ? { signal: o.signal } : {}) }));
    } catch {
      // No answer (the edge restarting): try again below.
    }
    if (response !== undefined && !response.ok && response.status < 500) throw await PhdmfApiError.fromResponse(response);
    if (response?.ok && response.body) {
      const queue: PhdmfEvent[] = [];
      const parser = createParser({
        onEvent: (message) => {
          if (message.id !== undefined) lastEventId = message.id;
          queue.push(toEvent(message));
        },
        onRetry: (ms) => {
          delay = ms;
        },
      });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
          for (let event = queue.shift(); event !== undefined; event = queue.shift()) yield event;
        }
      } catch {
        // The stream broke (the edge went away, or the signal ended it): reconnect unless ended.
      } finally {
        reader.cancel().catch(() => undefined);
      }
    } else {
      await response?.body?.cancel();
    }
    if (aborted()) return;
    try {
      await sleep(delay, o.signal);
    } catch {
      return;
    }
  }
}
