// paginate() and the event feed over real sockets, against the shapes the API answers: the list
// envelope `{ items, nextCursor, total }` and Server-Sent Events with `id:` and `event:`.
import type { ServerResponse } from 'node:http';
import { ScriptedServer, apiError, json } from '../test-support/scripted-server';
import { createPhdmfClient, paginate, PhdmfApiError, type PhdmfEvent } from './index';

const ITEMS = Array.from({ length: 7 }, (_, i) => ({ n: i + 1 }));

function sse(res: ServerResponse, lines: string): void {
  if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
  res.write(lines);
}

describe('paginate', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await ScriptedServer.start((req, res) => {
      const url = new URL(req.path, 'http://x');
      if (url.pathname === '/api/v1/broken') return json(res, 200, { items: [{ n: 1 }], nextCursor: 'same', total: 2 });
      if (url.pathname === '/api/v1/refused') return apiError(res, 403, 'EDGE.FORBIDDEN');
      const limit = Number(url.searchParams.get('limit'));
      const from = Number(url.searchParams.get('cursor') ?? '0');
      const next = from + limit < ITEMS.length ? String(from + limit) : null;
      return json(res, 200, { items: ITEMS.slice(from, from + limit), nextCursor: next, total: ITEMS.length });
    });
  });
  afterAll(() => server.close());

  // As openapi-fetch answers: the body as `data` on success, as `error` otherwise.
  const page = (path: string) => async (cursor: string | undefined) => {
    const response = await fetch(`${server.url}${path}?limit=3${cursor === undefined ? '' : `&cursor=${cursor}`}`);
    const body = (await response.json()) as never;
    return response.ok ? { data: body, response } : { error: body, response };
  };

  it('walks every page to the end, fetching each as it is needed', async () => {
    const seen: number[] = [];
    for await (const item of paginate<{ n: number }>(page('/api/v1/things'))) {
      seen.push(item.n);
      if (item.n === 2) expect(server.received).toHaveLength(1); // lazily: one page so far
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.received.slice(-3).map((r) => new URL(r.path, 'http://x').searchParams.get('cursor'))).toEqual([null, '3', '6']);
  });

  it('throws the refusal as a PhdmfApiError, and stops on a cursor that does not move', async () => {
    await expect(paginate(page('/api/v1/refused')).next()).rejects.toMatchObject({ status: 403, code: 'EDGE.FORBIDDEN' });
    const walk = async () => {
      for await (const _ of paginate(page('/api/v1/broken'))) void _;
    };
    await expect(walk()).rejects.toThrow(/same cursor twice/);
  });
});

describe('the event feed', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('yields each event once, reconnecting with Last-Event-ID after the stream breaks', async () => {
    server = await ScriptedServer.start((req, res, nth) => {
      if (req.headers.authorization !== 'Bearer t') return apiError(res, 401, 'AUTH.UNAUTHENTICATED');
      if (nth === 1) {
        sse(res, 'retry: 50\n\nid: 11\nevent: access.granted\ndata: {"requestId":"ar-1"}\n\n: keep-alive\n\nid: 12\nevent: analysis.recorded\ndata: {"analysisId":"an-1"}\n\n');
        // Half a message, then the connection drops: the half is never delivered.
        sse(res, 'id: 13\nevent: access.granted\ndata: {"requ');
        setTimeout(() => res.socket?.destroy(), 50);
        return;
      }
      sse(res, `id: 13\nevent: access.granted\ndata: {"requestId":"ar-3"}\n\nid: 14\ndata: plain text\n\n`);
    });
    const phdmf = createPhdmfClient({ baseUrl: server.url, tokens: { accessToken: 't' } });
    const events: PhdmfEvent[] = [];
    for await (const event of phdmf.events()) {
      events.push(event);
      if (events.length === 4) break;
    }
    expect(events).toEqual([
      { id: '11', type: 'access.granted', data: { requestId: 'ar-1' } },
      { id: '12', type: 'analysis.recorded', data: { analysisId: 'an-1' } },
      { id: '13', type: 'access.granted', data: { requestId: 'ar-3' } },
      { id: '14', type: 'message', data: 'plain text' },
    ]);
    expect(server.received.map((r) => [r.path, r.headers['last-event-id'], r.headers.accept])).toEqual([
      ['/api/v1/events', undefined, 'text/event-stream'],
      ['/api/v1/events', '12', 'text/event-stream'],
    ]);
  });

  it('resumes from the id it is given, ends on a refusal with the PhdmfApiError, and on its signal', async () => {
    server = await ScriptedServer.start((req, res) => {
      if (req.headers.authorization !== 'Bearer t') return apiError(res, 403, 'EDGE.FORBIDDEN');
      sse(res, `id: ${Number(req.headers['last-event-id']) + 1}\nevent: tick\ndata: {}\n\n`); // and stays open
    });
    const refused = createPhdmfClient({ baseUrl: server.url, tokens: { accessToken: 'other' } });
    await expect(refused.events().next()).rejects.toBeInstanceOf(PhdmfApiError);

    const controller = new AbortController();
    const feed = createPhdmfClient({ baseUrl: server.url, tokens: { accessToken: 't' } }).events({ lastEventId: '41', signal: controller.signal });
    expect((await feed.next()).value).toEqual({ id: '42', type: 'tick', data: {} });
    const pending = feed.next();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});
