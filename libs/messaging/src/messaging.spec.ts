import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AccountsLogin, CommonErrorCode, GetHealth, type PhdmfError } from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import { SlowLink, TestNatsServer, eventually, memoryLogger, tempDir } from '@phdmf/testing';
import { connect, headers } from 'nats';
import { countEffects, CreateThing, Echo, knobs, provisionFixture, Refuse, Silent, startFixture, ThingHappened, type FixtureOptions } from '../test-support/fixture';
import { EventPublisher } from './events/event-publisher';
import { EVENT_STREAM, eventConsumerConfig, eventConsumerSpec, EventProvisioningCode, provisionEventStream, RETIRED_DURABLES } from './events/event-stream';
import { MessageBus } from './rpc/message-bus';
import { DEADLINE_MARGIN_MS } from './lib/deadline';
import { Header, readHeaders, scopeFromHeaders } from './lib/headers';
import { withoutIdempotencyKey } from './rpc/keyed-commit';
import { RemoteError } from './lib/remote-error';

describe('messaging over a real nats-server', () => {
  let nats: TestNatsServer;
  let data: ReturnType<typeof tempDir>;
  let app: INestApplication | undefined;
  const log = memoryLogger('accounts');

  const options = (over: Partial<FixtureOptions> = {}): FixtureOptions => ({ natsUrl: nats.url, dataDir: data.dir, logger: log.logger, ...over });

  beforeEach(async () => {
    nats = await TestNatsServer.start({ provision: provisionFixture });
    data = tempDir();
    knobs.attempts = 0;
    knobs.failuresBeforeSuccess = 0;
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await nats.dispose();
    data.remove();
  });

  async function publishEvent(thingId: string, eventId = randomUUID()): Promise<{ duplicate: boolean }> {
    const publisher = app!.get(EventPublisher);
    return publisher.publish(ThingHappened, { thingId, value: 1 }, { eventId });
  }

  describe('request/reply', () => {
    beforeEach(async () => {
      app = await startFixture(options());
    });

    it('answers a request and carries correlation id and actor in headers, the actor to an @Actor() parameter', async () => {
      const bus = app!.get(MessageBus);
      const result = await Correlation.run({ correlationId: 'corr-123' }, () =>
        bus.request(Echo, { text: 'hello' }, { actor: { userId: 'u-1', roles: ['researcher'] } }),
      );
      expect(result).toEqual({ text: 'hello', correlationId: 'corr-123', actorUserId: 'u-1' });
      const anonymous = await Correlation.run({ correlationId: 'corr-124' }, () => bus.request(Echo, { text: 'hi' }));
      expect(anonymous).toEqual({ text: 'hi', correlationId: 'corr-124' });
    });

    it('re-throws a coded error on the caller with its code and details', async () => {
      const bus = app!.get(MessageBus);
      const error = await bus.request(Refuse, { kind: 'coded' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteError);
      expect(error).toMatchObject({ code: 'TEST.REFUSED', message: 'refused on purpose', details: { reason: 'test' } });
    });

    it('answers a plain Error with INTERNAL.UNEXPECTED and a fixed sentence: its own text stays in the log', async () => {
      const error = await app!.get(MessageBus).request(Refuse, { kind: 'plain' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: CommonErrorCode.INTERNAL, message: 'internal error (logged by the service that answered)' });
      expect(JSON.stringify(error)).not.toContain('kaput');
    });

    it('refuses an invalid payload at the receiving edge with VALIDATION.FAILED naming the field', async () => {
      const bus = app!.get(MessageBus);
      const missing = await bus.request(Echo, {} as never).catch((e: unknown) => e);
      expect(missing).toMatchObject({ code: CommonErrorCode.VALIDATION_FAILED });
      expect((missing as PhdmfError).message).toContain('text');
      const unknownField = await bus.request(Echo, { text: 'x', admin: true } as never).catch((e: unknown) => e);
      expect(unknownField).toMatchObject({ code: CommonErrorCode.VALIDATION_FAILED });
      expect((unknownField as PhdmfError).message).toContain('admin');
      const wrongType = await bus.request(Echo, { text: 42 } as never).catch((e: unknown) => e);
      expect(wrongType).toMatchObject({ code: CommonErrorCode.VALIDATION_FAILED });
    });

    it('answers a body that is not JSON with MESSAGING.MALFORMED', async () => {
      const nc = await connect({ servers: nats.url });
      const reply = await nc.request(Echo.subject, new TextEncoder().encode('{not json'), { timeout: 2_000 });
      expect(JSON.parse(new TextDecoder().decode(reply.data))).toMatchObject({ ok: false, error: { code: CommonErrorCode.MALFORMED_MESSAGE } });
      await nc.close();
    });

    it('gives every call a deadline: a slow handler times out with MESSAGING.TIMEOUT', async () => {
      const error = await app!.get(MessageBus).request(Echo, { text: 'slow', delayMs: 1_000 }, { timeoutMs: 100 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: CommonErrorCode.TIMEOUT });
    });

    describe('within the deadline of the request being served', () => {
      const seen: number[] = [];
      let nc: Awaited<ReturnType<typeof connect>>;
      beforeEach(async () => {
        seen.length = 0;
        nc = await connect({ servers: nats.url });
        nc.subscribe(Silent.subject, { callback: (_e, msg) => seen.push(Number(msg.headers?.get(Header.Deadline))) });
        await nc.flush();
      });
      afterEach(() => nc.close());
      const ask = (deadline: number, timeoutMs: number) =>
        Correlation.run({ correlationId: 'corr-deadline', deadline }, () => app!.get(MessageBus).request(Silent, { text: 'x' }, { timeoutMs })).catch((e: unknown) => e as PhdmfError);

      it('waits no longer than what is left of it, less a margin, whatever its own cap, and passes that on', async () => {
        const started = Date.now();
        const deadline = started + 1_000;
        const error = await ask(deadline, 120_000);
        expect(error).toMatchObject({ code: CommonErrorCode.TIMEOUT });
        expect(error.details?.['timeoutMs']).toBeLessThanOrEqual(1_000 - DEADLINE_MARGIN_MS);
        expect(Date.now() - started).toBeLessThan(1_000);
        expect(seen).toHaveLength(1);
        expect(seen[0]).toBeLessThanOrEqual(deadline - DEADLINE_MARGIN_MS);
      });

      it('keeps its own cap when that is shorter', async () => {
        const error = await ask(Date.now() + 60_000, 200);
        expect(error).toMatchObject({ code: CommonErrorCode.TIMEOUT, details: { timeoutMs: 200 } });
      });

      it('does not send a request the deadline leaves no time for: MESSAGING.DEADLINE_EXCEEDED', async () => {
        for (const deadline of [Date.now() - 1, Date.now() + DEADLINE_MARGIN_MS / 2]) {
          expect(await ask(deadline, 5_000)).toMatchObject({ code: CommonErrorCode.DEADLINE_EXCEEDED, details: { subject: Silent.subject } });
        }
        await nc.flush();
        expect(seen).toEqual([]);
      });
    });

    it("passes the unit of work's Idempotency-Key on with its requests (to the ledger, which commits under it), except where a step is sent without it", async () => {
      const keys: (string | undefined)[] = [];
      const nc = await connect({ servers: nats.url });
      nc.subscribe(Silent.subject, { callback: (_e, msg) => keys.push(msg.headers?.get(Header.IdempotencyKey) || undefined) });
      await nc.flush();
      const idempotencyKey = 'ab'.repeat(32);
      const bus = app!.get(MessageBus);
      await Correlation.run({ correlationId: 'corr-key', idempotencyKey }, async () => {
        await bus.request(Silent, { text: 'keyed' }, { timeoutMs: 200 }).catch(() => undefined);
        await withoutIdempotencyKey(() => bus.request(Silent, { text: 'a step' }, { timeoutMs: 200 })).catch(() => undefined);
      });
      await nc.flush();
      await nc.close();
      expect(keys).toEqual([idempotencyKey, undefined]);
      // A served request's scope takes a well-formed key only (a SHA-256 in hex).
      const h = headers();
      h.set(Header.IdempotencyKey, idempotencyKey);
      expect(scopeFromHeaders(readHeaders(h)).idempotencyKey).toBe(idempotencyKey);
      h.set(Header.IdempotencyKey, 'not-a-digest');
      expect(scopeFromHeaders(readHeaders(h)).idempotencyKey).toBeUndefined();
    });

    it('serves its subjects once started: a request from another connection right after the start is answered, never NO_RESPONDERS', async () => {
      // Another process may send the moment startService has returned. The service here reaches NATS
      // through a link that delivers its bytes 300 ms late, as an overloaded host's connection can:
      // its subscriptions must be in the server before the start is reported, not on their way.
      const link = await SlowLink.open({ host: '127.0.0.1', port: nats.port }, 300);
      const caller = await connect({ servers: nats.url });
      try {
        await app!.close();
        app = await startFixture(options({ natsUrl: link.url }));
        const reply = await caller.request(Echo.subject, JSON.stringify({ text: 'right after the start' }), { timeout: 5_000 }).then(
          (msg) => msg.json<unknown>(),
          (e: unknown) => e,
        );
        expect(reply).toMatchObject({ ok: true, data: { text: 'right after the start' } });
      } finally {
        await app?.close();
        app = undefined;
        await caller.close();
        await link.close();
      }
    });

    it('reports a subject nobody serves as MESSAGING.NO_RESPONDERS', async () => {
      // Another service's subject that no process serves in this test.
      const error = await app!.get(MessageBus).request(GetHealth.contractFor('ledger'), {}).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: CommonErrorCode.NO_RESPONDERS });
    });
  });

  describe('durable events', () => {
    it('delivers an event to a consumer that was down when it was published', async () => {
      app = await startFixture(options()); // creates the durable consumer
      await app.close();
      app = await startFixture(options({ consume: false }));
      await publishEvent('thing-down');
      await app.close();
      app = await startFixture(options());
      await eventually(async () => (await countEffects(app!, 'thing-down', 'event')) === 1, 'event delivered after restart');
    });

    it('has one effect for a duplicate publish with the same message id', async () => {
      app = await startFixture(options());
      const eventId = randomUUID();
      const first = await publishEvent('thing-dup', eventId);
      const second = await publishEvent('thing-dup', eventId);
      expect(first.duplicate).toBe(false);
      expect(second.duplicate).toBe(true);
      await eventually(async () => (await countEffects(app!, 'thing-dup', 'event')) === 1, 'first delivery');
      // A publish outside JetStream's de-duplication window (same event id, new message id) is
      // stopped by the consumer's idempotency record.
      const nc = await connect({ servers: nats.url });
      const h = headers();
      h.set('Phdmf-Event-Id', eventId);
      await nc.jetstream().publish(ThingHappened.subject, new TextEncoder().encode(JSON.stringify({ thingId: 'thing-dup', value: 1 })), { msgID: randomUUID(), headers: h });
      await publishEvent('thing-dup-marker');
      await eventually(async () => (await countEffects(app!, 'thing-dup-marker', 'event')) === 1, 'marker delivered');
      expect(await countEffects(app, 'thing-dup', 'event')).toBe(1);
      await nc.close();
    });

    it('redelivers after a handler failure, rolls back the failed attempts, and logs with the correlation id', async () => {
      knobs.failuresBeforeSuccess = 2;
      app = await startFixture(options());
      await Correlation.run({ correlationId: 'corr-fail' }, () => publishEvent('thing-fail'));
      await eventually(async () => (await countEffects(app!, 'thing-fail', 'event')) === 1, 'success after redelivery');
      expect(knobs.attempts).toBe(3);
      const failures = log.lines().filter((l) => l.msg === 'event handler failed; will be redelivered');
      expect(failures.length).toBeGreaterThanOrEqual(2);
      expect(failures[0]).toMatchObject({ correlationId: 'corr-fail', subject: ThingHappened.subject, level: 'error' });
    });

    it('binds to the durable the platform provisions, never creates one: it waits, saying what is missing, and consumes once provisioned', async () => {
      // A server the platform has not provisioned yet (the Kubernetes Job still running, say).
      const admin = await connect({ servers: nats.url });
      const jsm = await admin.jetstreamManager();
      await jsm.streams.delete(EVENT_STREAM.name);
      try {
        app = await startFixture(options());
        await eventually(() => Promise.resolve(log.lines().some((l) => l.code === EventProvisioningCode.NOT_PROVISIONED)), 'the missing stream reported');
        const reported = log.lines().filter((l) => l.code === EventProvisioningCode.NOT_PROVISIONED);
        expect(reported).toHaveLength(1); // said once, not at every retry
        expect(reported[0]).toMatchObject({ level: 'error', stream: EVENT_STREAM.name, durable: 'accounts', missing: `the event stream ${EVENT_STREAM.name}` });
        expect(String(reported[0]!.msg)).toContain('provision');
        await expect(jsm.streams.info(EVENT_STREAM.name)).rejects.toMatchObject({ api_error: { err_code: 10059 } }); // the service created nothing

        // The stream alone is not enough: the durable is provisioned too, with the platform's settings.
        await provisionEventStream(admin, []);
        await eventually(() => Promise.resolve(log.lines().some((l) => l.code === EventProvisioningCode.NOT_PROVISIONED && l.missing === `the durable consumer accounts of ${EVENT_STREAM.name}`)), 'the missing durable reported');
        await expect(jsm.consumers.info(EVENT_STREAM.name, 'accounts')).rejects.toMatchObject({ api_error: { err_code: 10014 } });
        await provisionFixture(admin);
        await publishEvent('thing-provisioned');
        await eventually(async () => (await countEffects(app!, 'thing-provisioned', 'event')) === 1, 'event consumed once provisioned', 20_000);
        expect((await jsm.consumers.info(EVENT_STREAM.name, 'accounts')).config).toMatchObject({ max_ack_pending: 1, ack_wait: 30_000_000_000 });
      } finally {
        await admin.close();
      }
    });

    it('leaves a durable with other settings as provisioned and says so; provisioning brings it back to its declaration', async () => {
      const admin = await connect({ servers: nats.url });
      const jsm = await admin.jetstreamManager();
      try {
        await jsm.consumers.update(EVENT_STREAM.name, 'accounts', { max_ack_pending: 7 });
        // What a site did to the stream before it lost the right (issue 13): a request subject captured.
        await jsm.streams.update(EVENT_STREAM.name, { subjects: [...EVENT_STREAM.subjects, AccountsLogin.SUBJECT] });
        app = await startFixture(options());
        await eventually(() => Promise.resolve(log.lines().some((l) => l.code === EventProvisioningCode.CONSUMER_DRIFT)), 'the drift reported');
        expect(log.lines().find((l) => l.code === EventProvisioningCode.CONSUMER_DRIFT)).toMatchObject({ level: 'warn', durable: 'accounts', drift: ['max_ack_pending: 7 → 1'] });
        expect((await jsm.consumers.info(EVENT_STREAM.name, 'accounts')).config.max_ack_pending).toBe(7); // the service changed nothing
        expect(await provisionFixture(admin)).toEqual({ stream: 'updated', consumers: { accounts: 'updated' }, idempotencyBucket: 'unchanged' });
        expect((await jsm.consumers.info(EVENT_STREAM.name, 'accounts')).config.max_ack_pending).toBe(1);
        expect((await jsm.streams.info(EVENT_STREAM.name)).config.subjects).toEqual([...EVENT_STREAM.subjects]);
        expect(await provisionFixture(admin)).toEqual({ stream: 'unchanged', consumers: { accounts: 'unchanged' }, idempotencyBucket: 'unchanged' });
      } finally {
        await admin.close();
      }
    });

    it('deletes a retired durable (one no service reads any more) when provisioning, and reports it only while it was there', async () => {
      const admin = await connect({ servers: nats.url });
      const jsm = await admin.jetstreamManager();
      try {
        const retired = RETIRED_DURABLES[0]!;
        await jsm.consumers.add(EVENT_STREAM.name, eventConsumerConfig(eventConsumerSpec(retired)));
        expect(await provisionFixture(admin)).toEqual({ stream: 'unchanged', consumers: { accounts: 'unchanged', [retired]: 'deleted' }, idempotencyBucket: 'unchanged' });
        await expect(jsm.consumers.info(EVENT_STREAM.name, retired)).rejects.toMatchObject({ api_error: { err_code: 10014 } });
        expect(await provisionFixture(admin)).toEqual({ stream: 'unchanged', consumers: { accounts: 'unchanged' }, idempotencyBucket: 'unchanged' });
      } finally {
        await admin.close();
      }
    });

    it('survives kill -9 of nats-server between publish and consume: delivered exactly once in effect', async () => {
      app = await startFixture(options());
      await app.close();
      app = await startFixture(options({ consume: false }));
      const ack = await publishEvent('thing-kill9');
      expect(ack.duplicate).toBe(false);
      await app.close();
      app = undefined;
      await nats.kill9();
      await nats.launch();
      app = await startFixture(options());
      await eventually(async () => (await countEffects(app!, 'thing-kill9', 'event')) === 1, 'delivered after nats restart');
      // The running consumer also rides through a second crash of the server.
      await nats.kill9();
      await nats.launch();
      await eventually(async () => {
        try {
          await publishEvent('thing-after-crash');
          return true;
        } catch {
          return false;
        }
      }, 'publish after reconnect', 20_000);
      await eventually(async () => (await countEffects(app!, 'thing-after-crash', 'event')) >= 1, 'consumer resumed', 30_000);
      expect(await countEffects(app, 'thing-kill9', 'event')).toBe(1);
      expect(await countEffects(app, 'thing-after-crash', 'event')).toBe(1);
    });
  });

  describe('transactional outbox', () => {
    it('publishes the event of a committed change, and the consumer applies it once', async () => {
      app = await startFixture(options());
      const { eventId } = await app.get(MessageBus).request(CreateThing, { thingId: 'thing-outbox', value: 7 });
      await eventually(async () => (await countEffects(app!, 'thing-outbox', 'event')) === 1, 'outbox event consumed');
      const nc = await connect({ servers: nats.url });
      const msg = await (await nc.jetstreamManager()).streams.getMessage(EVENT_STREAM.name, { last_by_subj: ThingHappened.subject });
      expect(msg.header.get('Nats-Msg-Id')).toBe(eventId);
      await nc.close();
    });

    it('publishes a row whose process died before relaying it, after restart', async () => {
      const { spawn } = await import('node:child_process');
      const path = await import('node:path');
      app = await startFixture(options()); // durable consumer exists
      await app.close();
      app = undefined;
      const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, '../test-support/outbox-crash.child.ts')], {
        env: { ...process.env, NATS_URL: nats.url, DATA_DIR: data.dir, SWC_NODE_PROJECT: path.join(__dirname, '../../../tsconfig.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const signal = await new Promise<string | null>((resolve) => child.on('exit', (_c, s) => {
        resolve(s);
      }));
      expect(output).toContain('committed thing-crash');
      expect(signal).toBe('SIGKILL'); // it killed itself right after the commit, before any relay
      app = await startFixture(options());
      await eventually(async () => (await countEffects(app!, 'thing-crash', 'event')) === 1, 'orphaned outbox row relayed after restart');
      expect(await countEffects(app, 'thing-crash', 'command')).toBe(1);
    });
  });
});
