// Issue 17's acceptance for safe retries, against the edge as its own process (as deployed):
// (a) 20 concurrent identical requests with one Idempotency-Key commit one transaction and get 20
// identical answers (status and body): the duplicates wait for the first answer instead of being
// refused; (b)–(h) for each kind of keyed call (access request, grant, analysis, revocation,
// admission, node change, stance) the edge is killed (-9) after the ledger committed and before it
// answered; the retry with the same key at the restarted edge gets the committed answer, and the
// chain holds exactly that one transaction (the ledger recognises the key: chaincode keyed-commits.ts).
// One stack for all of them.
// There is no test hook in the edge: the crash is placed by holding the ledger back (SIGSTOP) until
// the request is on its way, freezing the edge, letting the ledger commit, observing the commit on
// the chain, and only then killing the edge.
import { createHash, randomUUID } from 'node:crypto';
import { IDEMPOTENCY_BUCKET } from '@phdmf/messaging';
import type { AccessRequestView, LedgerBlock } from '@phdmf/contracts';
import { eventually } from '@phdmf/testing';
import { buildConsortium, pendingApplication, unique, type Consortium } from '../join/support/consortium';
import { inMarket, releaseDataset, type Released } from '../join/support/datasets';
import { nodeKeyPair, Stack, type StorageNode } from '../join/support/stack';

jest.setTimeout(600_000);

const LEASE_MS = 2_000;

describe('Idempotency-Key acceptance: concurrent duplicates and a crash between commit and answer', () => {
  let stack: Stack;
  let c: Consortium;
  let node: StorageNode | undefined;
  let dataset: Released;

  const height = async () => (await c.api.get<{ height: number }>('/api/v1/ledger/chain', c.tokens.researcher)).body.height;

  beforeAll(async () => {
    // Tokens for the whole run (each crash restarts the edge: minutes under load).
    stack = await Stack.start({ aggregation: { env: { SITE_TIMEOUT_MS: '30000' } }, accountsEnv: { ACCESS_TOKEN_TTL_SECONDS: '3600' }, gatewayProcess: true, gatewayEnv: { RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000', NATS_REQUEST_TIMEOUT_MS: '20000', IDEMPOTENCY_LEASE_MS: String(LEASE_MS) } });
    c = await buildConsortium(stack);
    node = await stack.startStorageNode(c.a.nodeId, c.a.memberId, c.a.nodePrivateKeyPem);
    dataset = await releaseDataset(node, c.tokens.memberA, `Retry cohort ${unique()}`);
    await inMarket(c.api, dataset.datasetId, c.tokens.researcher);
  });

  afterAll(async () => {
    stack.signalLedger('SIGCONT');
    await node?.stop();
    await stack.stop();
  });

  // Node changes are institution B's: A's node serves the dataset the analysis reads.
  it('(a) 20 concurrent identical node changes with one key: one transaction, 20 identical answers', async () => {
    const key = randomUUID();
    const body = { nodeId: `node-${unique()}`, endpoint: 'https://twenty.hospital-a.test:8443', nodePublicKey: nodeKeyPair().publicKeyPem };
    const before = await height();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => c.api.call('PUT', `/api/v1/institutions/${c.b.memberId}/node`, { token: c.tokens.adminB, body, headers: { 'idempotency-key': key } })),
    );
    const first = answers[0]!;
    expect(first.status).toBe(200);
    for (const answer of answers) expect({ status: answer.status, body: answer.body }).toEqual({ status: first.status, body: first.body });
    expect(await height()).toBe(before + 1);
    // The control: the same request without a key is a new change each time.
    for (let i = 0; i < 2; i++) expect((await c.api.call('PUT', `/api/v1/institutions/${c.b.memberId}/node`, { token: c.tokens.adminB, body })).status).toBe(200);
    expect(await height()).toBe(before + 3);
  });

  /**
   * Sends `call` with a fresh key and crashes the edge between the ledger's commit and the answer:
   * the ledger is held back (SIGSTOP) until the edge has claimed the key and sent the request on,
   * the edge is frozen, the ledger commits (seen on the chain through the bus), and only then is the
   * edge killed (-9). The edge restarts and the same call is retried with the same key: the answer
   * must be the committed one (its transaction is the one committed while the edge was frozen), the
   * chain must hold that one transaction of `fn` and no other, and the key keeps that answer.
   */
  async function crashThenRetry<T>(call: { method: 'POST' | 'PUT'; path: string; token: string; userId: string; body: object; status: number; fn: string; txIdOf: (body: T) => string | undefined }): Promise<T> {
    const key = randomUUID();
    const send = () => c.api.call<T>(call.method, call.path, { token: call.token, body: call.body, headers: { 'idempotency-key': key } });
    const before = await height();
    const edge = stack.gatewayChild();

    // Hold the ledger back, send the request, and wait until the edge has claimed the key.
    stack.signalLedger('SIGSTOP');
    let lost: Promise<unknown>;
    let answered: string | undefined;
    try {
      lost = fetch(`${stack.baseUrl}${call.path}`, {
        method: call.method,
        headers: { authorization: `Bearer ${call.token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(call.body),
      }).then(
        async (r) => {
          answered = `${r.status} ${await r.text()}`;
          return r.status;
        },
        (error: unknown) => error,
      );
      // The edge's record of the key: its name is the SHA-256 of the user and the key (idempotency.ts).
      const claimName = createHash('sha256').update(`${call.userId}\u0000${key}`).digest('hex');
      const admin = await stack.nats.connectAdmin();
      try {
        const kv = await admin.jetstream().views.kv(IDEMPOTENCY_BUCKET.name, { bindOnly: true });
        await eventually(async () => {
          if (answered !== undefined) throw new Error(`answered before the crash: ${answered}`);
          const entry = await kv.get(claimName);
          return entry?.operation === 'PUT' && entry.json<{ state: string }>().state === 'in-flight';
        }, 'the edge claims the key');
      } finally {
        await admin.close();
      }
      // The request is on its way to the ledger (the claim precedes it by microseconds; this is ample).
      await new Promise((r) => setTimeout(r, 1_000));
      edge.child.kill('SIGSTOP');
    } finally {
      stack.signalLedger('SIGCONT');
    }
    // The ledger commits while the edge is frozen: observed on the chain, through the bus (the edge is stopped).
    await eventually(async () => (await stack.chainHeight()) === before + 1, `the ${call.fn} is committed`, 60_000);
    await stack.killGateway('SIGKILL');
    expect(await lost).not.toBe(call.status); // the client never got the answer
    expect(edge.child.signalCode).toBe('SIGKILL');

    await stack.startGateway();
    const retried = await send();
    expect({ status: retried.status, body: retried.body }).toMatchObject({ status: call.status });
    expect(await height()).toBe(before + 1);
    // Exactly one transaction of this kind since, valid, and it is the one the answer names.
    const committed = await transactionsSince(before, call.fn);
    expect(committed).toEqual([call.txIdOf(retried.body)]);
    // And from now on the key answers with exactly that answer, committing nothing.
    const again = await send();
    expect({ status: again.status, body: again.body }).toEqual({ status: retried.status, body: retried.body });
    expect(await height()).toBe(before + 1);
    return retried.body;
  }

  /** The valid transactions of `fn` in the blocks from `fromBlock` on, by id (read from the ledger's blocks). */
  async function transactionsSince(fromBlock: number, fn: string): Promise<string[]> {
    const ids: string[] = [];
    for (let n = fromBlock; n < (await height()); n++) {
      const block = await c.api.get<LedgerBlock>(`/api/v1/ledger/blocks/${n}`, c.tokens.researcher);
      ids.push(...block.body.transactions.filter((t) => (t.function === fn || t.function.endsWith(`:${fn}`)) && t.validationCode === 'VALID').map((t) => t.txId));
    }
    return ids;
  }

  const requestBody = (purpose: string) => ({ datasetId: dataset.datasetId, purpose: `${purpose} ${unique()}`, columns: ['age', 'sbp'], statistics: ['count', 'mean'], requestedExpiry: new Date(Date.now() + 30 * 86_400_000).toISOString() });
  let granted: AccessRequestView;

  it('(b) an access request: the retry at the restarted edge gets the committed request, no second transaction', async () => {
    const body = requestBody('Crash between commit and answer');
    const retried = await crashThenRetry<AccessRequestView>({ method: 'POST', path: '/api/v1/access-requests', token: c.tokens.researcher, userId: c.userIds.researcher, body, status: 201, fn: 'requestAccess', txIdOf: (b) => b.txId });
    expect(retried).toMatchObject({ datasetId: dataset.datasetId, purpose: body.purpose, status: 'pending' });
    const read = await c.api.get<AccessRequestView>(`/api/v1/access-requests/${retried.requestId}`, c.tokens.researcher);
    expect(read.body.txId).toBe(retried.txId);
  });

  it('(c) a grant: the retry gets the committed grant, not 409 INVALID_STATE, and no second transaction', async () => {
    const asked = await c.api.post<AccessRequestView>('/api/v1/access-requests', requestBody('To be granted'), c.tokens.researcher);
    expect(asked.status).toBe(201);
    granted = await crashThenRetry<AccessRequestView>({ method: 'POST', path: `/api/v1/access-requests/${asked.body.requestId}/grant`, token: c.tokens.memberA, userId: c.userIds.memberA, body: {}, status: 200, fn: 'grantAccess', txIdOf: (b) => b.txId });
    expect(granted).toMatchObject({ requestId: asked.body.requestId, status: 'granted' });
  });

  it('(d) an analysis: the retry gets the recorded analysis, neither computed nor recorded again', async () => {
    const body = { datasets: [dataset.datasetId], columns: ['age'], statistics: ['count', 'mean'] };
    const retried = await crashThenRetry<{ analysisId: string; txId: string }>({ method: 'POST', path: '/api/v1/analyses', token: c.tokens.researcher, userId: c.userIds.researcher, body, status: 201, fn: 'recordAnalysis', txIdOf: (b) => b.txId });
    const stored = await c.api.get<{ analysisId: string; txId: string }>(`/api/v1/analyses/${retried.analysisId}`, c.tokens.researcher);
    expect(stored.body).toEqual(retried);
  });

  it('(e) a revocation: the retry gets the committed revocation, no second transaction', async () => {
    const revoked = await crashThenRetry<AccessRequestView>({ method: 'POST', path: `/api/v1/access-requests/${granted.requestId}/revoke`, token: c.tokens.memberA, userId: c.userIds.memberA, body: { reason: 'study closed' }, status: 200, fn: 'revokeAccess', txIdOf: (b) => b.txId });
    expect(revoked).toMatchObject({ requestId: granted.requestId, status: 'revoked' });
  });

  it('(f) an admission: the retry gets the committed admission, not 409 ALREADY_DECIDED, and no second transaction', async () => {
    const app = await pendingApplication(c.api);
    const admitted = await crashThenRetry<{ status: string; decision?: { txId: string } }>({ method: 'POST', path: `/api/v1/membership-applications/${app.applicationId}/admit`, token: c.tokens.consortiumAdmin, userId: c.userIds.consortiumAdmin, body: {}, status: 200, fn: 'admitMember', txIdOf: (b) => b.decision?.txId });
    expect(admitted.status).toBe('admitted');
  });

  it('(g) a node change: the retry gets the committed change, applied once', async () => {
    const body = { nodeId: `node-${unique()}`, endpoint: 'https://crash.hospital-b.test:8443', nodePublicKey: nodeKeyPair().publicKeyPem };
    const changed = await crashThenRetry<{ endpoint: string; onChain?: { txId: string } }>({ method: 'PUT', path: `/api/v1/institutions/${c.b.memberId}/node`, token: c.tokens.adminB, userId: c.userIds.adminB, body, status: 200, fn: 'updateNode', txIdOf: (b) => b.onChain?.txId });
    expect(changed.endpoint).toBe(body.endpoint);
  });

  it('(h) a dataset stance: the retry gets the committed stance, set once', async () => {
    const entry = await crashThenRetry<{ stance: string; txId: string }>({ method: 'PUT', path: `/api/v1/market/datasets/${dataset.datasetId}/stance`, token: c.tokens.adminA, userId: c.userIds.adminA, body: { stance: 'closed' }, status: 200, fn: 'setStance', txIdOf: (b) => b.txId });
    expect(entry.stance).toBe('closed');
  });
});
