// Issue 17: safe retries. A call that commits to the ledger, sent again with the same
// Idempotency-Key and body by the same user, gets the first answer and never a second transaction;
// the key reused with another body is refused (422), a duplicate sent while the first is in flight
// commits nothing more, and two users' keys are independent. Real nats-server (with the platform's
// idempotency bucket provisioned like the event stream), the real services and the embedded ledger.
import { randomUUID } from 'node:crypto';
import { IDEMPOTENCY_STREAM } from '@phdmf/messaging';
import { buildConsortium, unique, type Consortium } from '../join/support/consortium';
import type { ErrorBody } from '../join/support/http';
import { nodeKeyPair, Stack } from '../join/support/stack';

jest.setTimeout(180_000);

describe('Idempotency-Key on the calls that commit to the ledger (e2e over HTTP)', () => {
  let stack: Stack;
  let c: Consortium;

  const height = async () => (await c.api.get<{ height: number }>('/api/v1/ledger/chain', c.tokens.researcher)).body.height;
  const nodeChange = (memberId: string, token: string, key: string | undefined, endpoint: string, publicKey = nodeKeyPair().publicKeyPem) =>
    c.api.call<{ endpoint: string; lastNodeUpdate?: { txId: string; blockNumber: number } }>('PUT', `/api/v1/institutions/${memberId}/node`, {
      token,
      body: { nodeId: `node-${unique()}`.slice(0, 40), endpoint, nodePublicKey: publicKey },
      ...(key !== undefined ? { headers: { 'idempotency-key': key } } : {}),
    });

  beforeAll(async () => {
    stack = await Stack.start({ gatewayEnv: { RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' } });
    c = await buildConsortium(stack);
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('answers a retried node change (PUT) with its first answer and commits it once', async () => {
    const key = randomUUID();
    const body = { nodeId: `node-${unique()}`, endpoint: 'https://retry.hospital-a.test:8443', nodePublicKey: nodeKeyPair().publicKeyPem };
    const send = () => c.api.call<{ lastNodeUpdate?: { txId: string; blockNumber: number } }>('PUT', `/api/v1/institutions/${c.a.memberId}/node`, { token: c.tokens.adminA, body, headers: { 'idempotency-key': key } });
    const before = await height();
    const first = await send();
    expect(first.status).toBe(200);
    expect(first.body.lastNodeUpdate?.txId).toBeDefined();
    const second = await send();
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(await height()).toBe(before + 1);
    // The same body without a key is a new change (the control: the rule above is the key's, not the ledger's).
    const again = await c.api.call('PUT', `/api/v1/institutions/${c.a.memberId}/node`, { token: c.tokens.adminA, body });
    expect(again.status).toBe(200);
    expect(await height()).toBe(before + 2);
  });

  it('answers a retried decision (POST reject) with its first answer, not a conflict, and commits it once', async () => {
    const email = `head-${unique()}@clinic.test`;
    await c.api.register(email, 'a clinic head password');
    const applicant = await c.api.login(email, 'a clinic head password');
    const applied = await c.api.post<{ applicationId: string }>(
      '/api/v1/membership-applications',
      { name: `Clinic ${unique()}`, contactName: 'C', contactEmail: email, nodeId: `clinic-${unique()}`, endpoint: 'https://node.clinic.test', nodePublicKey: nodeKeyPair().publicKeyPem },
      applicant.accessToken,
    );
    expect(applied.status).toBe(201);
    const key = `"${randomUUID()}"`; // the draft's Structured Field string form
    const reject = () => c.api.call(`POST`, `/api/v1/membership-applications/${applied.body.applicationId}/reject`, { token: c.tokens.consortiumAdmin, body: { reason: 'not a medical institution' }, headers: { 'idempotency-key': key } });
    const before = await height();
    const first = await reject();
    expect(first.status).toBe(200);
    const second = await reject();
    expect({ status: second.status, body: second.body }).toEqual({ status: first.status, body: first.body });
    expect(await height()).toBe(before + 1);
  });

  it('refuses the same key with another body (422 IDEMPOTENCY.KEY_REUSED) and commits nothing', async () => {
    const key = randomUUID();
    expect((await nodeChange(c.a.memberId, c.tokens.adminA, key, 'https://one.hospital-a.test')).status).toBe(200);
    const before = await height();
    const reused = await nodeChange(c.a.memberId, c.tokens.adminA, key, 'https://two.hospital-a.test');
    expect(reused.status).toBe(422);
    expect((reused.body as unknown as ErrorBody).error.code).toBe('IDEMPOTENCY.KEY_REUSED');
    expect(await height()).toBe(before);
  });

  it('commits concurrent duplicates once: one answer, the others the same answer or 409 IDEMPOTENCY.IN_FLIGHT', async () => {
    const key = randomUUID();
    const body = { nodeId: `node-${unique()}`, endpoint: 'https://concurrent.hospital-a.test', nodePublicKey: nodeKeyPair().publicKeyPem };
    const before = await height();
    const answers = await Promise.all(Array.from({ length: 5 }, () => c.api.call('PUT', `/api/v1/institutions/${c.a.memberId}/node`, { token: c.tokens.adminA, body, headers: { 'idempotency-key': key } })));
    const ok = answers.filter((a) => a.status === 200);
    const inFlight = answers.filter((a) => a.status === 409);
    expect(ok.length + inFlight.length).toBe(answers.length);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const a of ok) expect(a.body).toEqual(ok[0]!.body);
    for (const a of inFlight) expect((a.body as ErrorBody).error.code).toBe('IDEMPOTENCY.IN_FLIGHT');
    expect(await height()).toBe(before + 1);
    // Once answered, a retry gets the answer.
    const retry = await c.api.call('PUT', `/api/v1/institutions/${c.a.memberId}/node`, { token: c.tokens.adminA, body, headers: { 'idempotency-key': key } });
    expect({ status: retry.status, body: retry.body }).toEqual({ status: 200, body: ok[0]!.body });
    expect(await height()).toBe(before + 1);
  });

  it('keeps keys per user: the same key from two users names two requests', async () => {
    const key = randomUUID();
    const before = await height();
    const a = await nodeChange(c.a.memberId, c.tokens.adminA, key, 'https://shared-key.hospital-a.test');
    const b = await nodeChange(c.b.memberId, c.tokens.adminB, key, 'https://shared-key.hospital-b.test');
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await height()).toBe(before + 2);
  });

  it('refuses a malformed key (400 IDEMPOTENCY.KEY_INVALID) before anything is sent', async () => {
    const before = await height();
    for (const key of ['', 'has space', 'x'.repeat(256), 'ünicode', '"unterminated']) {
      const res = await nodeChange(c.a.memberId, c.tokens.adminA, key, 'https://bad-key.hospital-a.test');
      expect({ key, status: res.status, code: (res.body as unknown as ErrorBody).error.code }).toEqual({ key, status: 400, code: 'IDEMPOTENCY.KEY_INVALID' });
    }
    expect(await height()).toBe(before);
  });

  it('keeps no 5xx: a call that failed while the ledger was down runs again on retry with the same key, and commits once', async () => {
    const key = randomUUID();
    const body = { nodeId: `node-${unique()}`, endpoint: 'https://outage.hospital-a.test', nodePublicKey: nodeKeyPair().publicKeyPem };
    const send = () => c.api.call<{ endpoint: string }>('PUT', `/api/v1/institutions/${c.a.memberId}/node`, { token: c.tokens.adminA, body, headers: { 'idempotency-key': key } });
    const before = await height();
    await stack.stopLedger();
    let failed;
    try {
      failed = await send();
    } finally {
      await stack.startLedger();
    }
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(await height()).toBe(before);
    const retried = await send();
    expect({ status: retried.status, endpoint: retried.body.endpoint }).toEqual({ status: 200, endpoint: 'https://outage.hospital-a.test' });
    expect(await height()).toBe(before + 1);
    expect((await send()).body).toEqual(retried.body);
    expect(await height()).toBe(before + 1);
  });

  // Last: it removes the bucket.
  it('refuses a keyed call with 503 before anything is sent when the bucket does not answer; calls without a key go on', async () => {
    const admin = await stack.nats.connectAdmin();
    try {
      await (await admin.jetstreamManager()).streams.delete(IDEMPOTENCY_STREAM);
    } finally {
      await admin.close();
    }
    const before = await height();
    const keyed = await nodeChange(c.a.memberId, c.tokens.adminA, randomUUID(), 'https://no-bucket.hospital-a.test');
    expect({ status: keyed.status, code: (keyed.body as unknown as ErrorBody).error.code }).toEqual({ status: 503, code: 'MESSAGING.UNAVAILABLE' });
    expect(await height()).toBe(before);
    expect((await nodeChange(c.a.memberId, c.tokens.adminA, undefined, 'https://no-bucket.hospital-a.test')).status).toBe(200);
    expect(await height()).toBe(before + 1);
  });
});
