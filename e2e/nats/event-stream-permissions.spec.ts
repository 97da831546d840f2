// The event stream belongs to the platform (issue 13; DESIGN.md, Security). Against a nats-server
// that runs the authorization block infra/nats/permissions.mjs generates — the one `npm start` and
// the Kubernetes Secret use — a storage site and every central service are refused stream
// create/update/delete/purge and consumer creation (another's durable or their own), so none can
// capture request subjects into the stream, seal it or take another's events; the operator
// provisions both; a consuming service still pulls from and acks its own durable, and the ledger
// still publishes its events into the stream.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AckPolicy, connect, DeliverPolicy, nkeyAuthenticator, type MsgRequest, type NatsConnection } from 'nats';
import { AccountsLogin, EVENT_SUBJECTS_WILDCARD, LedgerNodeUpdated, StorageModel, StorageSummarize } from '@phdmf/contracts';
import { EVENT_CONSUMING_SERVICES, EVENT_STREAM, IDEMPOTENCY_BUCKET, IDEMPOTENCY_STREAM, provisionEventStream } from '@phdmf/messaging';
import { childEnv, spawnTsEntry, TestNatsServer, tempDir } from '@phdmf/testing';

const ROOT = path.resolve(__dirname, '../..');
const CENTRAL = ['ledger', 'accounts', 'node-registry', 'authorization', 'aggregation', 'api-gateway'] as const;
const SITE = 'storage-site-north';
const STREAM = EVENT_STREAM.name;
const encoder = new TextEncoder();

/** Each way to manage the stream or a consumer, as the JetStream API subject an identity would publish to. */
function managementSubjects(identity: string): string[] {
  const other = identity === 'authorization' ? 'node-registry' : 'authorization';
  return [
    `$JS.API.STREAM.CREATE.${STREAM}`,
    `$JS.API.STREAM.UPDATE.${STREAM}`,
    `$JS.API.STREAM.DELETE.${STREAM}`,
    `$JS.API.STREAM.PURGE.${STREAM}`,
    // Another's durable: in each form the server takes (2.9's durable create, the newer create with a filter).
    `$JS.API.CONSUMER.DURABLE.CREATE.${STREAM}.${other}`,
    `$JS.API.CONSUMER.CREATE.${STREAM}.${other}`,
    `$JS.API.CONSUMER.CREATE.${STREAM}.${other}.${EVENT_SUBJECTS_WILDCARD}`,
    `$JS.API.CONSUMER.DELETE.${STREAM}.${other}`,
    // Its own durable's settings are the platform's too.
    `$JS.API.CONSUMER.DURABLE.CREATE.${STREAM}.${identity}`,
    `$JS.API.CONSUMER.CREATE.${STREAM}.${identity}.${EVENT_SUBJECTS_WILDCARD}`,
    `$JS.API.CONSUMER.DELETE.${STREAM}.${identity}`,
    // An ephemeral consumer would read every event, whoever it concerns.
    `$JS.API.CONSUMER.CREATE.${STREAM}`,
  ];
}

describe('the event stream is the platform’s: the generated NATS permissions', () => {
  const dir = tempDir('phdmf-stream-perms-');
  const keys = path.join(dir.dir, 'keys');
  let nats: TestNatsServer;
  let authBlock: string;
  const connections: NatsConnection[] = [];

  function seedOf(identity: string): Uint8Array {
    return encoder.encode(readFileSync(path.join(keys, `${identity}.nk`), 'utf8').trim());
  }
  async function connectAs(identity: string): Promise<NatsConnection> {
    // In full CI runs a dial here has twice timed out (NatsError TIMEOUT, the client's 20 s) in the
    // last test, beside messaging.spec's kill -9 and restart of its own server; alone it takes
    // milliseconds, and the cause is not known yet. A second dial tells a stalled server from a lost
    // connection; either way the server's own log (debug: each connection it saw) and its process
    // state go to the output, so the next occurrence says which it was. The permissions under test
    // are unaffected: a dial that fails twice still fails the test.
    const options = { servers: nats.url, authenticator: nkeyAuthenticator(seedOf(identity)), inboxPrefix: `_INBOX_${identity}`, timeout: 20_000 };
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      try {
        const nc = await connect(options);
        connections.push(nc);
        return nc;
      } catch (error) {
        const log = readFileSync(nats.logFile, 'utf8').split('\n').slice(-40).join('\n');
        const diagnosis = `dial ${attempt} as ${identity} to ${nats.url} failed after ${Date.now() - started} ms: ${String(error)}; server ${nats.processState}; ${connections.length} connections open; the server's last log lines:\n${log}`;
        if (attempt === 2) throw new Error(diagnosis);
        process.stderr.write(`${diagnosis}\n`);
      }
    }
  }

  beforeAll(async () => {
    // The CLI a deployment runs (k8s/README.md); `npm start` renders the same block.
    const cli = spawnSync(process.execPath, [path.join(ROOT, 'infra/nats/permissions.mjs'), keys, ...CENTRAL, SITE, 'operator'], { cwd: ROOT, env: childEnv({}), encoding: 'utf8' });
    expect(cli.stderr).toBe('');
    authBlock = cli.stdout;
    const configFile = path.join(dir.dir, 'nats.conf');
    // debug: the server logs each connection it accepts and closes (read only when a dial fails).
    writeFileSync(configFile, `${authBlock}\ndebug: true\nlogtime: true\n`);
    nats = await TestNatsServer.start({ configFile, admin: { authenticator: nkeyAuthenticator(seedOf('operator')) }, provision: provisionEventStream });
  });

  afterAll(async () => {
    for (const nc of connections) await nc.close().catch(() => undefined);
    await nats.dispose();
    dir.remove();
  });

  it('grants consumer use to exactly the services the provisioning declares a durable for', () => {
    // One list in permissions.mjs (`consumes`), one in libs/messaging (EVENT_CONSUMING_SERVICES): held equal here.
    const users = authBlock.split(/\n {4}# /).slice(1);
    const consumers = users.filter((u) => u.includes(`$JS.API.CONSUMER.MSG.NEXT.${STREAM}.`)).map((u) => u.slice(0, u.indexOf('\n')));
    expect(consumers.sort()).toEqual([...EVENT_CONSUMING_SERVICES].sort());
    // Only the operator may use the JetStream API beyond that; a site may not touch it at all.
    for (const user of users.filter((u) => !u.startsWith('operator'))) {
      const granted = (user.match(/"\$JS\.[^"]+"/g) ?? []).map((s) => JSON.parse(s) as string);
      // The edge reads its idempotency keys back (and the client's account-info call when it binds the bucket), and the event stream by sequence (its feed).
      const edgeOnly = user.startsWith('api-gateway') ? `|API\\.STREAM\\.MSG\\.GET\\.${IDEMPOTENCY_STREAM}|API\\.INFO|API\\.STREAM\\.MSG\\.GET\\.${STREAM}` : '';
      for (const subject of granted) expect(subject).toMatch(new RegExp(`^\\$JS\\.(API\\.CONSUMER\\.(INFO|MSG\\.NEXT)\\.${STREAM}\\.[a-z-]+|ACK\\.${STREAM}\\.[a-z-]+\\.>${edgeOnly})$`));
    }
    expect(users.find((u) => u.startsWith(SITE))).not.toContain('$JS');
  });

  it.each([SITE, ...CENTRAL])('refuses %s every stream and consumer management call', async (identity) => {
    const nc = await connectAs(identity);
    const subjects = [...managementSubjects(identity), ...(identity === SITE ? [`$JS.API.INFO`, `$JS.API.STREAM.INFO.${STREAM}`, `$JS.API.CONSUMER.INFO.${STREAM}.${identity}`] : [])];
    // What a site's user did in issue 13: the accounts' login subject and its own inbox into the stream, sealed.
    const body = encoder.encode(JSON.stringify({ name: STREAM, subjects: [EVENT_SUBJECTS_WILDCARD, AccountsLogin.SUBJECT], sealed: true, durable_name: identity, ack_policy: 'explicit' }));
    for (const subject of subjects) {
      await expect(nc.request(subject, body, { timeout: 5_000 }).then(() => 'answered')).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    }
    // Nothing changed: the stream is as provisioned, every durable still there.
    const admin = await nats.connectAdmin();
    try {
      const jsm = await admin.jetstreamManager();
      const info = await jsm.streams.info(STREAM);
      expect(info.config).toMatchObject({ subjects: [...EVENT_STREAM.subjects], sealed: false });
      expect((await jsm.consumers.list(STREAM).next()).map((c) => c.name).sort()).toEqual([...EVENT_CONSUMING_SERVICES].sort());
    } finally {
      await admin.close();
    }
  });

  it('provisions with the command the Kubernetes Job runs only as the operator: a site running it is refused at once', async () => {
    const env = (identity: string) => ({ NATS_URL: nats.url, NATS_NKEY_SEED_FILE: path.join(keys, `${identity}.nk`), NATS_INBOX_PREFIX: identity === 'operator' ? undefined : `_INBOX_${identity}` });
    const asSite = spawnTsEntry('libs/messaging/src/events/provision.ts', env(SITE));
    expect(await asSite.exited).toBe(1);
    expect(asSite.output()).toMatch(/provisioning the event stream failed: .*Permissions Violation/i);
    const asOperator = spawnTsEntry('libs/messaging/src/events/provision.ts', env('operator'));
    expect(await asOperator.exited).toBe(0);
    expect(asOperator.output()).toBe(`stream ${STREAM}: unchanged\n${EVENT_CONSUMING_SERVICES.map((d) => `durable ${d}: unchanged\n`).join('')}key-value bucket ${IDEMPOTENCY_BUCKET.name}: unchanged\n`);
  });

  it('lets the ledger publish its events into the stream and each consuming service pull from and ack its own durable only', async () => {
    const ledger = await connectAs('ledger');
    const ack = await ledger.jetstream().publish(LedgerNodeUpdated.SUBJECT, encoder.encode('{}'), { msgID: `perm-${Date.now()}` });
    expect(ack.stream).toBe(STREAM);
    for (const service of EVENT_CONSUMING_SERVICES) {
      const nc = await connectAs(service);
      const consumer = await nc.jetstream().consumers.get(STREAM, service);
      const msg = await consumer.next({ expires: 5_000 });
      expect(msg?.subject).toBe(LedgerNodeUpdated.SUBJECT);
      expect(await msg!.ackAck()).toBe(true);
      const other = EVENT_CONSUMING_SERVICES.find((s) => s !== service)!;
      await expect(nc.jetstream().consumers.get(STREAM, other)).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    }
    // A site publishes no events: not even the ledger's.
    const site = await connectAs(SITE);
    await expect(site.jetstream().publish(LedgerNodeUpdated.SUBJECT, encoder.encode('{}'))).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    // The server logged each refusal with the subject: what an operator sees.
    const log = readFileSync(nats.logFile, 'utf8');
    expect(log).toMatch(/Publish Violation[^\n]*\$JS\.API\.STREAM\.UPDATE\.PHDMF_EVENTS/);
  });

  it('lets the edge claim, read and settle Idempotency-Key records in its bucket, and nobody else; the bucket itself stays the operator’s', async () => {
    const edge = await connectAs('api-gateway');
    const kv = await edge.jetstream().views.kv(IDEMPOTENCY_BUCKET.name, { bindOnly: true });
    const revision = await kv.create('perm-key', encoder.encode('{"state":"in-flight"}'));
    await expect(kv.create('perm-key', encoder.encode('{}'))).rejects.toThrow(/wrong last sequence/);
    await kv.update('perm-key', encoder.encode('{"state":"answered"}'), revision);
    expect((await kv.get('perm-key'))?.string()).toBe('{"state":"answered"}');
    const body = encoder.encode(JSON.stringify({ name: IDEMPOTENCY_STREAM, subjects: ['$KV.>', AccountsLogin.SUBJECT] }));
    for (const subject of [`$JS.API.STREAM.UPDATE.${IDEMPOTENCY_STREAM}`, `$JS.API.STREAM.DELETE.${IDEMPOTENCY_STREAM}`, `$JS.API.STREAM.PURGE.${IDEMPOTENCY_STREAM}`, `$JS.API.CONSUMER.CREATE.${IDEMPOTENCY_STREAM}`]) {
      await expect(edge.request(subject, body, { timeout: 5_000 }).then(() => 'answered')).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    }
    // Another service cannot read or forge the edge's answers.
    const other = await connectAs('authorization');
    await expect(other.jetstream().views.kv(IDEMPOTENCY_BUCKET.name, { bindOnly: true })).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    for (const subject of [`$KV.${IDEMPOTENCY_BUCKET.name}.perm-key`, `$JS.API.STREAM.MSG.GET.${IDEMPOTENCY_STREAM}`]) {
      await expect(other.request(subject, encoder.encode('{"last_by_subj":"$KV.PHDMF_IDEMPOTENCY.perm-key"}'), { timeout: 5_000 }).then(() => 'answered')).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    }
  });

  it('lets the edge read the event stream by sequence and hear that an event was published, and nothing more: no consumer of any kind', async () => {
    const ledger = await connectAs('ledger');
    const published = await ledger.jetstream().publish(LedgerNodeUpdated.SUBJECT, encoder.encode('{"feed":1}'), { msgID: `feed-${Date.now()}` });
    const edge = await connectAs('api-gateway');
    const jsm = await edge.jetstreamManager({ checkAPI: false });
    // By sequence, the next at or after a sequence, and the last one: what the feed uses.
    expect((await jsm.streams.getMessage(STREAM, { seq: published.seq })).string()).toBe('{"feed":1}');
    expect((await jsm.streams.getMessage(STREAM, { seq: published.seq, next_by_subj: EVENT_SUBJECTS_WILDCARD } as MsgRequest)).seq).toBe(published.seq);
    expect((await jsm.streams.getMessage(STREAM, { last_by_subj: EVENT_SUBJECTS_WILDCARD })).seq).toBe(published.seq);
    // The wake-up: it hears a publish on the event subjects.
    const heard = edge.subscribe(EVENT_SUBJECTS_WILDCARD, { max: 1 });
    await edge.flush();
    await ledger.jetstream().publish(LedgerNodeUpdated.SUBJECT, encoder.encode('{"feed":2}'), { msgID: `feed-${Date.now()}-2` });
    for await (const m of heard) expect(m.string()).toBe('{"feed":2}');
    // Nothing more: no consumer (ephemeral, named, durable, ordered), no stream info or other stream's messages, no events of its own.
    const ephemeral = encoder.encode(JSON.stringify({ stream_name: STREAM, config: { ack_policy: 'none', deliver_policy: 'all' } }));
    for (const subject of [
      `$JS.API.CONSUMER.CREATE.${STREAM}`,
      `$JS.API.CONSUMER.CREATE.${STREAM}.feed`,
      `$JS.API.CONSUMER.CREATE.${STREAM}.feed.${EVENT_SUBJECTS_WILDCARD}`,
      `$JS.API.CONSUMER.DURABLE.CREATE.${STREAM}.feed`,
      `$JS.API.CONSUMER.MSG.NEXT.${STREAM}.authorization`,
      `$JS.API.CONSUMER.DELETE.${STREAM}.authorization`,
      `$JS.API.STREAM.INFO.${STREAM}`,
      `$JS.API.STREAM.NAMES`,
      `$JS.API.DIRECT.GET.${STREAM}`,
      '$JS.API.STREAM.MSG.GET.OTHER',
      `$JS.API.STREAM.MSG.DELETE.${STREAM}`,
    ]) {
      await expect(edge.request(subject, ephemeral, { timeout: 5_000 }).then(() => 'answered')).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    }
    await expect(edge.jetstream().publish(LedgerNodeUpdated.SUBJECT, encoder.encode('{}'))).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    // Another service may not read the stream by sequence.
    const other = await connectAs('authorization');
    await expect(other.request(`$JS.API.STREAM.MSG.GET.${STREAM}`, encoder.encode(JSON.stringify({ seq: published.seq })), { timeout: 5_000 }).then(() => 'answered')).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
  });

  it('shows why the edge gets no consumer: the server lets whoever creates an ephemeral consumer push the stream onto any subject', async () => {
    // With the operator's rights (any identity allowed to create a consumer would do): an ephemeral
    // push consumer whose deliver subject is the accounts service's login subject.
    const admin = await nats.connectAdmin();
    try {
      const target = admin.subscribe(AccountsLogin.SUBJECT, { max: 1 });
      await admin.flush();
      const jsm = await admin.jetstreamManager();
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- the point: the server still takes a push consumer's deliver subject from whoever may create one
      const info = await jsm.consumers.add(STREAM, { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.Last, deliver_subject: AccountsLogin.SUBJECT });
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- as above
      expect(info.config.deliver_subject).toBe(AccountsLogin.SUBJECT);
      // The login subject's subscriber receives an event of the stream (the server keeps the event's own subject on the message).
      for await (const m of target) expect({ subject: m.subject, reply: m.reply }).toEqual({ subject: expect.stringMatching(/^phdmf\.evt\./), reply: expect.stringMatching(new RegExp(`^\\$JS\\.ACK\\.${STREAM}\\.`)) });
      await jsm.consumers.delete(STREAM, info.name);
    } finally {
      await admin.close();
    }
  });

  it("lets the aggregation service ask a site's summary and model subjects, which the site answers, and no other central service", async () => {
    const nodeId = SITE.slice('storage-'.length);
    const subjects = [StorageSummarize.contractFor(nodeId).subject, StorageModel.contractFor(nodeId).subject];
    const site = await connectAs(SITE);
    for (const subject of subjects) {
      site.subscribe(subject, {
        callback: (_error, msg) => {
          msg.respond(encoder.encode('"answered"'));
        },
      });
    }
    await site.flush();
    const aggregation = await connectAs('aggregation');
    for (const subject of subjects) expect((await aggregation.request(subject, encoder.encode('{}'), { timeout: 5_000 })).string()).toBe('"answered"');
    for (const identity of CENTRAL.filter((c) => c !== 'aggregation')) {
      const nc = await connectAs(identity);
      for (const subject of subjects) {
        await expect(nc.request(subject, encoder.encode('{}'), { timeout: 5_000 }).then(() => 'answered')).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
      }
    }
  });
});
