import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { connect, ErrorCode, type NatsConnection } from 'nats';
import { TestNatsServer, tempDir } from '@phdmf/testing';
import { ReplyInbox } from './reply-inbox';

// One user as a site's is: it may publish to `allowed.>` and to its own inbox, and subscribe to both
// (and the test harness's admin, allowed everything).
const CONFIG = `
authorization {
  users = [
    { user: "admin", password: "a" }
    { user: "u", password: "p", permissions: {
        publish: { allow: ["allowed.>", "_INBOX_u.>"] },
        subscribe: { allow: ["allowed.>", "_INBOX_u.>"] } } }
  ]
}
`;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

describe('ReplyInbox: request/reply as nats.js request() answers it, over a real nats-server with permissions', () => {
  const dir = tempDir('phdmf-reply-inbox-');
  let nats: TestNatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    const configFile = path.join(dir.dir, 'nats.conf');
    writeFileSync(configFile, CONFIG);
    nats = await TestNatsServer.start({ configFile, admin: { user: 'admin', pass: 'a' } });
  });

  beforeEach(async () => {
    // The connection's own inbox prefix is the only one this user may subscribe under.
    nc = await connect({ servers: nats.url, user: 'u', pass: 'p', inboxPrefix: '_INBOX_u' });
  });

  afterEach(async () => {
    if (!nc.isClosed()) await nc.close();
  });

  afterAll(async () => {
    await nats.dispose();
    dir.remove();
  });

  function serve(subject: string, answer: (text: string) => Promise<string | undefined>): void {
    nc.subscribe(subject, {
      callback: (_error, msg) => {
        void answer(decoder.decode(msg.data)).then((reply) => {
          if (reply !== undefined) msg.respond(encoder.encode(reply));
        });
      },
    });
  }
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('gives each of many concurrent requests its own reply, answered out of order, under the connection’s inbox prefix', async () => {
    serve('allowed.echo', async (text) => {
      await sleep(Number(text) % 7);
      return `re:${text}`;
    });
    await nc.flush();
    const inbox = new ReplyInbox(nc);
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => inbox.request('allowed.echo', encoder.encode(String(i)), { timeout: 5_000 })));
    expect(replies.map((r) => decoder.decode(r.data))).toEqual(Array.from({ length: 200 }, (_, i) => `re:${i}`));
    expect(replies[0]?.subject.startsWith('_INBOX_u.')).toBe(true);
  });

  it('times out with Timeout, drops the late reply, and answers the next request', async () => {
    serve('allowed.slow', async (text) => {
      await sleep(text === 'late' ? 300 : 0);
      return text;
    });
    await nc.flush();
    const inbox = new ReplyInbox(nc);
    const started = Date.now();
    await expect(inbox.request('allowed.slow', encoder.encode('late'), { timeout: 100 })).rejects.toMatchObject({ code: ErrorCode.Timeout });
    expect(Date.now() - started).toBeLessThan(290);
    await sleep(350); // the late reply arrives and is dropped
    const next = await inbox.request('allowed.slow', encoder.encode('now'), { timeout: 2_000 });
    expect(decoder.decode(next.data)).toBe('now');
  });

  it('says NoResponders at once for a subject nobody serves', async () => {
    const started = Date.now();
    await expect(new ReplyInbox(nc).request('allowed.nobody', encoder.encode('x'), { timeout: 5_000 })).rejects.toMatchObject({ code: ErrorCode.NoResponders });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails a request the server refuses to relay (publish permission) at once, not at its timeout', async () => {
    const started = Date.now();
    await expect(new ReplyInbox(nc).request('forbidden.subject', encoder.encode('x'), { timeout: 10_000 })).rejects.toMatchObject({ code: ErrorCode.PermissionsViolation });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails what waits when the connection closes, and refuses requests after', async () => {
    serve('allowed.never', () => Promise.resolve(undefined));
    await nc.flush();
    const inbox = new ReplyInbox(nc);
    const waiting = inbox.request('allowed.never', encoder.encode('x'), { timeout: 10_000 });
    await sleep(50);
    const started = Date.now();
    await nc.close();
    await expect(waiting).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(inbox.request('allowed.never', encoder.encode('x'), { timeout: 1_000 })).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
  });
});
