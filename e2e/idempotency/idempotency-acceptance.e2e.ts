// Issue 17's acceptance for safe retries, against the edge as its own process (as deployed):
// (a) 20 concurrent identical requests with one Idempotency-Key commit one transaction and get 20
// identical answers (status and body): the duplicates wait for the first answer instead of being
// refused; (b) the edge is killed (-9) after the ledger committed and before it answered; the retry
// with the same key at the restarted edge gets the committed answer, and nothing is committed again.
// There is no test hook in the edge: the crash is placed by holding the ledger back (SIGSTOP) until
// the request is on its way, freezing the edge, letting the ledger commit, observing the commit on
// the chain, and only then killing the edge.
import { createHash, randomUUID } from 'node:crypto';
import { IDEMPOTENCY_BUCKET } from '@phdmf/messaging';
import type { AccessRequestView } from '@phdmf/contracts';
import { eventually } from '@phdmf/testing';
import { buildConsortium, unique, type Consortium } from '../join/support/consortium';
import { inMarket, releaseDataset, type Released } from '../join/support/datasets';
import { nodeKeyPair, Stack, type StorageNode } from '../join/support/stack';

jest.setTimeout(420_000);

const LEASE_MS = 2_000;

describe('Idempotency-Key acceptance: concurrent duplicates and a crash between commit and answer', () => {
  let stack: Stack;
  let c: Consortium;
  let node: StorageNode | undefined;
  let dataset: Released;

  const height = async () => (await c.api.get<{ height: number }>('/api/v1/ledger/chain', c.tokens.researcher)).body.height;

  beforeAll(async () => {
    stack = await Stack.start({ gatewayProcess: true, gatewayEnv: { RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000', NATS_REQUEST_TIMEOUT_MS: '20000', IDEMPOTENCY_LEASE_MS: String(LEASE_MS) } });
    c = await buildConsortium(stack);
    node = await stack.startStorageNode(c.a.nodeId, c.a.memberId, c.a.nodePrivateKeyPem);
    dataset = await releaseDataset(node, c.tokens.memberA, `Retry cohort ${unique()}`);
    await inMarket(c.api, dataset.datasetId, c.tokens.researcher);
  });

  afterAll(async () => {
    stack?.signalLedger('SIGCONT');
    await node?.stop();
    await stack?.stop();
  });

  it('(a) 20 concurrent identical node changes with one key: one transaction, 20 identical answers', async () => {
    const key = randomUUID();
    const body = { nodeId: `node-${unique()}`, endpoint: 'https://twenty.hospital-a.test:8443', nodePublicKey: nodeKeyPair().publicKeyPem };
    const before = await height();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => c.api.call('PUT', `/api/v1/institutions/${c.a.memberId}/node`, { token: c.tokens.adminA, body, headers: { 'idempotency-key': key } })),
    );
    const first = answers[0]!;
    expect(first.status).toBe(200);
    for (const answer of answers) expect({ status: answer.status, body: answer.body }).toEqual({ status: first.status, body: first.body });
    expect(await height()).toBe(before + 1);
    // The control: the same request without a key is a new change each time.
    for (let i = 0; i < 2; i++) expect((await c.api.call('PUT', `/api/v1/institutions/${c.a.memberId}/node`, { token: c.tokens.adminA, body })).status).toBe(200);
    expect(await height()).toBe(before + 3);
  });

  it('(b) a crash of the edge between the commit and the answer: the retry at the restarted edge gets the committed answer, no second transaction', async () => {
    const key = randomUUID();
    const body = { datasetId: dataset.datasetId, purpose: `Crash between commit and answer ${unique()}`, columns: ['age', 'sbp'], statistics: ['count', 'mean'], requestedExpiry: new Date(Date.now() + 30 * 86_400_000).toISOString() };
    const send = () => c.api.call<AccessRequestView>('POST', '/api/v1/access-requests', { token: c.tokens.researcher, body, headers: { 'idempotency-key': key } });
    const before = await height();
    const edge = stack.gatewayChild();

    // Hold the ledger back, send the request, and wait until the edge has claimed the key.
    stack.signalLedger('SIGSTOP');
    let lost: Promise<unknown>;
    try {
      lost = fetch(`${stack.baseUrl}/api/v1/access-requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.tokens.researcher}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      }).then(
        (r) => r.status,
        (error: unknown) => error,
      );
      // The edge's record of the key: its name is the SHA-256 of the user and the key (idempotency.ts).
      const claimName = createHash('sha256').update(`${c.userIds.researcher}\u0000${key}`).digest('hex');
      const admin = await stack.nats.connectAdmin();
      try {
        const kv = await admin.jetstream().views.kv(IDEMPOTENCY_BUCKET.name, { bindOnly: true });
        await eventually(async () => (await kv.get(claimName))?.json<{ state: string }>().state === 'in-flight', 'the edge claims the key');
      } finally {
        await admin.close();
      }
      // The request is on its way to the ledger (the claim precedes it by microseconds; this is ample).
      await new Promise((r) => setTimeout(r, 1_000));
      edge.child.kill('SIGSTOP');
    } finally {
      stack?.signalLedger('SIGCONT');
    }
    // The ledger commits while the edge is frozen: observed on the chain, through the bus (the edge is stopped).
    await eventually(async () => (await stack.chainHeight()) === before + 1, 'the access request is committed', 20_000);
    await stack.killGateway('SIGKILL');
    expect(await lost).not.toBe(201); // the client never got the answer
    expect(edge.child.signalCode).toBe('SIGKILL');

    await stack.startGateway();
    const retried = await send();
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ datasetId: dataset.datasetId, purpose: body.purpose, status: 'pending' });
    expect(await height()).toBe(before + 1);
    // It is the committed request: its transaction is the one the ledger committed while the edge was frozen.
    const committed = await c.api.get<{ txId: string; blockNumber: number }>(`/api/v1/access-requests/${retried.body.requestId}`, c.tokens.researcher);
    expect(committed.body.txId).toBe(retried.body.txId);
    // And from now on the key answers with exactly that answer.
    const again = await send();
    expect({ status: again.status, body: again.body }).toEqual({ status: retried.status, body: retried.body });
    expect(await height()).toBe(before + 1);
  });
});
