// Acceptance (issue 6, parts 1, 2 and 5): the data market and access decisions through the REST
// edge, with real NATS, the real services, the embedded ledger and two institutions' real storage
// nodes — release at both sites → browse, search, filter, paginate → a researcher applies → the
// owner's member sees it and grants it narrowed → another institution is refused by the edge and by
// the service itself → deny, revoke → each caller's permission follows the committed decisions
// only → provenance shows every step with its transaction and block; blocks and transactions are
// readable; bad input is a 4xx with a stable code, never a 5xx.
import { AuthorizationGrantAccess, AuthorizationRequestAccess, type AccessRequestView, type MarketEntry, type MarketPage } from '@phdmf/contracts';
import { buildConsortium, type Consortium } from '../join/support/consortium';
import type { ErrorBody, HttpResult } from '../join/support/http';
import { Stack, type StorageNode } from '../join/support/stack';

jest.setTimeout(180_000);

const STABLE_CODE = /^[A-Z][A-Z_]*(\.[A-Z][A-Z_]*)+$/;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

function csv(header: string[], rows: number, row: (i: number) => (string | number)[]): string {
  return `${[header.join(','), ...Array.from({ length: rows }, (_, i) => row(i).join(','))].join('\n')}\n`;
}

interface Provenance {
  nextCursor: string | null;
  total: number;
  items: { operation: string; txId: string; blockNumber: number; referenceId?: string; organisation: string; operator?: string; sha256: string; fileName: string; description?: string; redacted?: string[] }[];
}

describe('the data market and access decisions (e2e over HTTP)', () => {
  let stack: Stack;
  let c: Consortium;
  const nodes: StorageNode[] = [];
  const datasets: Record<'cardio' | 'oncology' | 'stroke', { datasetId: string; txId: string; blockNumber: number }> = {} as never;
  const requests: Record<string, AccessRequestView> = {};

  const api = () => c.api;
  const market = (query: string, token = c.tokens.researcher) => api().get<MarketPage>(`/api/v1/market/datasets${query}`, token);
  const entry = async (datasetId: string, token: string) => (await api().get<MarketEntry>(`/api/v1/market/datasets/${datasetId}`, token)).body;
  const chainHeight = async () => (await api().get<{ height: number }>('/api/v1/ledger/chain', c.tokens.researcher)).body.height;

  /** An institution's own staff upload a CSV to their own node's local API; it is released on-chain. */
  async function upload(node: StorageNode, token: string, name: string, description: string, body: string): Promise<{ datasetId: string; txId: string; blockNumber: number }> {
    const res = await fetch(`${node.url}/datasets?${new URLSearchParams({ name, description, fileName: `${name.toLowerCase().replace(/\W+/g, '-')}.csv` }).toString()}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body,
    });
    const view = (await res.json()) as { datasetId: string; state: string; versions?: { release: { txId?: string; blockNumber?: number } }[] };
    if (res.status !== 201 || view.state !== 'released') throw new Error(`release failed: ${res.status} ${JSON.stringify(view)}`);
    const release = view.versions?.[0]?.release;
    return { datasetId: view.datasetId, txId: release?.txId ?? '', blockNumber: release?.blockNumber ?? -1 };
  }

  beforeAll(async () => {
    stack = await Stack.start({ gatewayEnv: { RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' } });
    c = await buildConsortium(stack);
    const nodeA = await stack.startStorageNode(c.a.nodeId, c.a.memberId, c.a.nodePrivateKeyPem);
    const nodeB = await stack.startStorageNode(c.b.nodeId, c.b.memberId, c.b.nodePrivateKeyPem);
    nodes.push(nodeA, nodeB);
    datasets.cardio = await upload(nodeA, c.tokens.memberA, 'Cardiology cohort', 'Blood pressure by age, 2019-2023', csv(['id', 'age', 'sex', 'sbp', 'visit'], 40, (i) => [i + 1, 30 + (i % 40), i % 2 ? 'F' : 'M', 110 + (i % 35), `2023-0${1 + (i % 9)}-1${i % 10}`]));
    datasets.oncology = await upload(nodeA, c.tokens.adminA, 'Oncology follow-up', 'Tumour stage at diagnosis', csv(['age', 'stage'], 25, (i) => [40 + i, ['I', 'II', 'III'][i % 3] ?? 'I']));
    datasets.stroke = await upload(nodeB, c.tokens.memberB, 'Stroke registry', 'NIHSS at admission, blood pressure', csv(['age', 'nihss', 'sex'], 30, (i) => [50 + (i % 30), i % 20, i % 3 ? 'F' : 'M']));
    // The market is built from the committed chain events, which arrive on their own.
    const deadline = Date.now() + 30_000;
    while ((await market('')).body.total < 3) {
      if (Date.now() > deadline) throw new Error('the released datasets did not reach the market');
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  afterAll(async () => {
    for (const node of nodes) await node.stop();
    await stack.stop();
  });

  it('browses, searches, filters and paginates the market, built from committed ledger records', async () => {
    const all = await market('');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, nextCursor: null });
    const cardio = all.body.items.find((i) => i.datasetId === datasets.cardio.datasetId);
    expect(cardio).toMatchObject({
      name: 'Cardiology cohort',
      description: 'Blood pressure by age, 2019-2023',
      ownerMemberId: c.a.memberId,
      ownerName: expect.stringMatching(/^Institution a-/),
      columns: [
        { name: 'id', type: 'numeric' },
        { name: 'age', type: 'numeric' },
        { name: 'sex', type: 'categorical' },
        { name: 'sbp', type: 'numeric' },
        { name: 'visit', type: 'date' },
      ],
      rowCount: 40,
      version: 1,
      status: 'active',
      stance: 'open',
      txId: datasets.cardio.txId,
      blockNumber: datasets.cardio.blockNumber,
      permission: { state: 'none' },
    });
    expect(cardio?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const tx = await api().get<{ blockNumber: number; validationCode: string; function: string }>(`/api/v1/ledger/transactions/${datasets.cardio.txId}`, c.tokens.researcher);
    expect(tx.body).toMatchObject({ blockNumber: datasets.cardio.blockNumber, validationCode: 'VALID', function: 'addDataset' });

    const ids = (r: HttpResult<MarketPage>) => r.body.items.map((i) => i.datasetId);
    expect(ids(await market('?q=BLOOD%20pressure'))).toEqual([datasets.stroke.datasetId, datasets.cardio.datasetId]);
    expect(ids(await market(`?institution=${c.b.memberId}`))).toEqual([datasets.stroke.datasetId]);
    expect(ids(await market('?column=sex'))).toEqual([datasets.stroke.datasetId, datasets.cardio.datasetId]);
    expect(ids(await market(`?column=age&institution=${c.a.memberId}&q=oncology`))).toEqual([datasets.oncology.datasetId]);
    const page1 = await market('?limit=2');
    expect(page1.body).toMatchObject({ total: 3, nextCursor: expect.any(String) as string });
    expect(ids(page1)).toEqual([datasets.stroke.datasetId, datasets.oncology.datasetId]);
    const page2 = await market(`?limit=2&cursor=${page1.body.nextCursor!}`);
    expect(page2.body).toMatchObject({ total: 3, nextCursor: null });
    expect(ids(page2)).toEqual([datasets.cardio.datasetId]);
    // Every role may browse; staff of the owner see the same entry.
    expect((await entry(datasets.cardio.datasetId, c.tokens.adminB)).txId).toBe(datasets.cardio.txId);
  });

  it('a researcher applies; answered once committed; the owner\'s staff see it incoming, no one else does', async () => {
    const before = await chainHeight();
    const applied = await api().post<AccessRequestView>(
      '/api/v1/access-requests',
      { datasetId: datasets.cardio.datasetId, purpose: 'Blood pressure by age band', columns: ['age', 'sex', 'sbp'], statistics: ['count', 'mean', 'sd'], requestedExpiry: inDays(30) },
      c.tokens.researcher,
    );
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ status: 'pending', requester: c.userIds.researcher, datasetId: datasets.cardio.datasetId, ownerMemberId: c.a.memberId });
    requests.first = applied.body;
    expect(await chainHeight()).toBeGreaterThan(before);
    expect((await api().get(`/api/v1/ledger/transactions/${applied.body.txId}`, c.tokens.researcher)).body).toMatchObject({ blockNumber: applied.body.blockNumber, validationCode: 'VALID', function: 'requestAccess' });

    expect((await entry(datasets.cardio.datasetId, c.tokens.researcher)).permission).toMatchObject({ state: 'requested', requestId: applied.body.requestId });
    expect((await entry(datasets.cardio.datasetId, c.tokens.memberB)).permission).toEqual({ state: 'none' });

    const incoming = await api().get<{ items: AccessRequestView[] }>('/api/v1/access-requests?scope=incoming', c.tokens.memberA);
    expect(incoming.status).toBe(200);
    expect(incoming.body.items.map((r) => r.requestId)).toEqual([applied.body.requestId]);
    expect((await api().get<{ items: unknown[] }>('/api/v1/access-requests?scope=incoming', c.tokens.adminB)).body.items).toEqual([]);
    expect((await api().get<{ items: AccessRequestView[] }>('/api/v1/access-requests', c.tokens.researcher)).body.items.map((r) => r.requestId)).toEqual([applied.body.requestId]);
    expect((await api().get<ErrorBody>('/api/v1/access-requests?scope=incoming', c.tokens.researcher)).body.error.code).toBe('ACCESS.FORBIDDEN');
    expect((await api().get(`/api/v1/access-requests/${applied.body.requestId}`, c.tokens.memberA)).status).toBe(200);
    const peek = await api().get<ErrorBody>(`/api/v1/access-requests/${applied.body.requestId}`, c.tokens.memberB);
    expect([peek.status, peek.body.error.code]).toEqual([403, 'ACCESS.FORBIDDEN']);
  });

  it('another institution cannot decide: 403 from the edge, and the service itself refuses over NATS', async () => {
    const requestId = requests.first!.requestId;
    const height = await chainHeight();
    for (const token of [c.tokens.adminB, c.tokens.memberB]) {
      const r = await api().post<ErrorBody>(`/api/v1/access-requests/${requestId}/grant`, {}, token);
      expect([r.status, r.body.error.code]).toEqual([403, 'ACCESS.FORBIDDEN']);
    }
    const byRole = await api().post<ErrorBody>(`/api/v1/access-requests/${requestId}/grant`, {}, c.tokens.researcher);
    expect([byRole.status, byRole.body.error.code]).toEqual([403, 'EDGE.FORBIDDEN']);
    // Straight to the service, bypassing the edge, with B's admin as the actor.
    await expect(
      stack.busRequest(AuthorizationGrantAccess.CONTRACT, { requestId }, { userId: c.userIds.adminB, organisationId: c.b.memberId, roles: ['institution-admin'] }),
    ).rejects.toMatchObject({ code: 'ACCESS.FORBIDDEN' });
    expect(await chainHeight()).toBe(height);
    expect((await entry(datasets.cardio.datasetId, c.tokens.researcher)).permission.state).toBe('requested');
  });

  it('the owner\'s member grants it narrowed, signed by the owner; the permission changes only with the commit', async () => {
    const requestId = requests.first!.requestId;
    const height = await chainHeight();
    // A grant that would widen the request is refused; nothing is committed and nothing changes.
    const widened = await api().post<ErrorBody>(`/api/v1/access-requests/${requestId}/grant`, { columns: ['age', 'visit'] }, c.tokens.memberA);
    expect([widened.status, widened.body.error.code]).toEqual([400, 'ACCESS.SCOPE_WIDENED']);
    expect(await chainHeight()).toBe(height);
    expect((await entry(datasets.cardio.datasetId, c.tokens.researcher)).permission.state).toBe('requested');

    const expiresAt = inDays(10);
    const granted = await api().post<AccessRequestView>(`/api/v1/access-requests/${requestId}/grant`, { columns: ['age', 'sbp'], statistics: ['count', 'mean'], expiresAt, reason: 'sex withheld' }, c.tokens.memberA);
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ status: 'granted', grant: { columns: ['age', 'sbp'], statistics: ['count', 'mean'], operator: c.userIds.memberA, reason: 'sex withheld' } });
    requests.granted = granted.body;
    const mspOfA = (await api().get<{ onChain: { mspId: string } }>(`/api/v1/institutions/${c.a.memberId}`, c.tokens.researcher)).body.onChain.mspId;
    expect((await api().get(`/api/v1/ledger/transactions/${granted.body.txId}`, c.tokens.researcher)).body).toMatchObject({
      blockNumber: granted.body.blockNumber,
      validationCode: 'VALID',
      function: 'grantAccess',
      creatorMspId: mspOfA,
    });
    expect((await entry(datasets.cardio.datasetId, c.tokens.researcher)).permission).toEqual({
      state: 'granted',
      requestId,
      columns: ['age', 'sbp'],
      statistics: ['count', 'mean'],
      expiresAt: new Date(expiresAt).toISOString(),
      reason: 'sex withheld',
      privacy: { mode: 'controlled' },
    });
    expect((await entry(datasets.cardio.datasetId, c.tokens.memberB)).permission).toEqual({ state: 'none' });
    const again = await api().post<ErrorBody>(`/api/v1/access-requests/${requestId}/grant`, {}, c.tokens.adminA);
    expect([again.status, again.body.error.code]).toEqual([409, 'ACCESS.INVALID_STATE']);
  });

  it('denies another institution\'s member with a reason, and revokes the grant', async () => {
    const applied = await api().post<AccessRequestView>(
      '/api/v1/access-requests',
      { datasetId: datasets.cardio.datasetId, purpose: 'Stroke risk factors', columns: ['age'], statistics: ['count'], requestedExpiry: inDays(7) },
      c.tokens.memberB,
    );
    expect(applied.status).toBe(201);
    expect(applied.body.requesterOrg).toBe(c.b.memberId);
    const denied = await api().post<AccessRequestView>(`/api/v1/access-requests/${applied.body.requestId}/deny`, { reason: 'Outside the consent given' }, c.tokens.adminA);
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ status: 'denied', denial: { reason: 'Outside the consent given', operator: c.userIds.adminA } });
    requests.denied = denied.body;
    expect((await entry(datasets.cardio.datasetId, c.tokens.memberB)).permission).toEqual({ state: 'denied', requestId: applied.body.requestId, reason: 'Outside the consent given' });

    const revoked = await api().post<AccessRequestView>(`/api/v1/access-requests/${requests.first!.requestId}/revoke`, { reason: 'Consent withdrawn' }, c.tokens.adminA);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revocation: { reason: 'Consent withdrawn' } });
    requests.revoked = revoked.body;
    expect((await entry(datasets.cardio.datasetId, c.tokens.researcher)).permission).toMatchObject({ state: 'revoked', reason: 'Consent withdrawn' });
    const mine = await api().get<{ items: AccessRequestView[] }>('/api/v1/access-requests?scope=incoming&status=denied', c.tokens.memberA);
    expect(mine.body.items.map((r) => r.requestId)).toEqual([applied.body.requestId]);
  });

  it('an owner closes a dataset to requests on-chain; a closed dataset is refused before the ledger; only its own admins may close it', async () => {
    const foreign = await api().call<ErrorBody>('PUT', `/api/v1/market/datasets/${datasets.stroke.datasetId}/stance`, { token: c.tokens.adminA, body: { stance: 'closed' } });
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'ACCESS.FORBIDDEN']);
    const byMember = await api().call<ErrorBody>('PUT', `/api/v1/market/datasets/${datasets.stroke.datasetId}/stance`, { token: c.tokens.memberB, body: { stance: 'closed' } });
    expect([byMember.status, byMember.body.error.code]).toEqual([403, 'EDGE.FORBIDDEN']);
    const closed = await api().call<MarketEntry>('PUT', `/api/v1/market/datasets/${datasets.stroke.datasetId}/stance`, { token: c.tokens.adminB, body: { stance: 'closed' } });
    expect([closed.status, closed.body.stance]).toEqual([200, 'closed']);
    // The stance is a ledger transaction of B's, in the dataset's provenance.
    const stroke = await api().get<Provenance>(`/api/v1/provenance/datasets/${datasets.stroke.datasetId}`, c.tokens.researcher);
    expect(stroke.body.items[0]).toMatchObject({ operation: 'stance', description: 'closed to access requests', txId: closed.body.txId, blockNumber: closed.body.blockNumber });
    const height = await chainHeight();
    const refused = await api().post<ErrorBody>(
      '/api/v1/access-requests',
      { datasetId: datasets.stroke.datasetId, purpose: 'p', columns: ['age'], statistics: ['count'], requestedExpiry: inDays(3) },
      c.tokens.researcher,
    );
    expect([refused.status, refused.body.error.code]).toEqual([403, 'ACCESS.DATASET_CLOSED']);
    expect(await chainHeight()).toBe(height);
    // Straight to the service: refused there too.
    await expect(
      stack.busRequest(AuthorizationRequestAccess.CONTRACT, { datasetId: datasets.stroke.datasetId, purpose: 'p', columns: ['age'], statistics: ['count'], requestedExpiry: inDays(3) }, { userId: c.userIds.researcher, roles: ['researcher'] }),
    ).rejects.toMatchObject({ code: 'ACCESS.DATASET_CLOSED' });
    expect((await market(`?institution=${c.b.memberId}`)).body.items[0]?.stance).toBe('closed');
  });

  it('provenance shows the release, both requests, the grant, the denial and the revocation with their transactions and blocks; purposes and reasons only to those they concern', async () => {
    const r = await api().get<Provenance>(`/api/v1/provenance/datasets/${datasets.cardio.datasetId}`, c.tokens.researcher);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total: 6, nextCursor: null });
    // Newest first; read here in commit order.
    const entries = [...r.body.items].reverse();
    const steps = entries.map((e) => [e.operation, e.txId, e.blockNumber]);
    expect(steps).toEqual([
      ['add', datasets.cardio.txId, datasets.cardio.blockNumber],
      ['request', requests.first!.requestTxId, requests.first!.requestTxId === requests.first!.txId ? requests.first!.blockNumber : expect.any(Number)],
      ['grant', requests.granted!.txId, requests.granted!.blockNumber],
      ['request', requests.denied!.requestTxId, expect.any(Number)],
      ['deny', requests.denied!.txId, requests.denied!.blockNumber],
      ['revoke', requests.revoked!.txId, requests.revoked!.blockNumber],
    ]);
    const grant = entries[2]!;
    // The researcher's own request and its decisions, in full.
    expect(grant).toMatchObject({ referenceId: requests.first!.requestId, operator: c.userIds.memberA, description: 'sex withheld', fileName: 'cardiology-cohort.csv' });
    expect(entries[5]).toMatchObject({ referenceId: requests.first!.requestId, description: 'Consent withdrawn' });
    // Member B's request and its denial do not concern the researcher: no purpose, reason or operator.
    for (const entry of [entries[3]!, entries[4]!]) {
      expect(entry).toMatchObject({ referenceId: requests.denied!.requestId, redacted: ['description', 'operator'] });
      expect(Object.keys(entry)).not.toEqual(expect.arrayContaining(['description']) as unknown);
      expect(Object.keys(entry)).not.toEqual(expect.arrayContaining(['operator']) as unknown);
    }
    expect(JSON.stringify(r.body)).not.toMatch(/Stroke risk factors|Outside the consent given/);
    expect(entries.every((e) => /^[0-9a-f]{64}$/.test(e.sha256) && e.organisation.length > 0)).toBe(true);
    // Its requester, the owner institution and the consortium admin read them.
    for (const token of [c.tokens.memberB, c.tokens.adminA, c.tokens.consortiumAdmin]) {
      const seen = await api().get<Provenance>(`/api/v1/provenance/datasets/${datasets.cardio.datasetId}`, token);
      const theirs = [...seen.body.items].reverse();
      expect(theirs[3]).toMatchObject({ description: 'Stroke risk factors', operator: c.userIds.memberB });
      expect(theirs[4]).toMatchObject({ description: 'Outside the consent given', operator: c.userIds.adminA });
    }
    // The same rule on the transaction itself: the researcher places it in its block, but reads no reason.
    const denial = await api().get<{ blockNumber: number; function: string; args: string[]; redacted?: string[] }>(`/api/v1/ledger/transactions/${requests.denied!.txId}`, c.tokens.researcher);
    expect(denial.body).toMatchObject({ blockNumber: requests.denied!.blockNumber, function: 'denyAccess' });
    expect(denial.body.redacted).toEqual(expect.arrayContaining(['args[0].reason', 'response.denial.reason', 'event.payload.purpose']) as unknown);
    expect(JSON.stringify(denial.body)).not.toMatch(/Stroke risk factors|Outside the consent given/);
    const ownDenial = await api().get<{ args: string[] }>(`/api/v1/ledger/transactions/${requests.denied!.txId}`, c.tokens.memberB);
    expect(JSON.parse(ownDenial.body.args[0]!)).toMatchObject({ reason: 'Outside the consent given' });

    const block = await api().get<{ number: number; hash: string; previousHash: string; transactions: { txId: string; validationCode: string; function: string }[] }>(`/api/v1/ledger/blocks/${grant.blockNumber}`, c.tokens.researcher);
    expect(block.status).toBe(200);
    expect(block.body.number).toBe(grant.blockNumber);
    expect(block.body.transactions).toContainEqual(expect.objectContaining({ txId: grant.txId, validationCode: 'VALID', function: 'grantAccess' }));
    const previous = await api().get<{ hash: string }>(`/api/v1/ledger/blocks/${grant.blockNumber - 1}`, c.tokens.researcher);
    expect(block.body.previousHash).toBe(previous.body.hash);
    const chain = await api().get<{ height: number; currentBlockHash: string }>('/api/v1/ledger/chain', c.tokens.memberB);
    expect(chain.body.height).toBeGreaterThan(requests.revoked!.blockNumber);
  });

  it('pages every list by cursor: each item exactly once, newest first, also when one is added between pages; filters bound to their cursors', async () => {
    // The provenance of the cardiology dataset, two at a time: the same six entries as in one page, in the same order.
    const whole = (await api().get<Provenance>(`/api/v1/provenance/datasets/${datasets.cardio.datasetId}?limit=200`, c.tokens.researcher)).body;
    expect(whole.items).toHaveLength(6);
    const visit = async (path: string, token: string, limit: number, between?: () => Promise<void>) => {
      const seen: unknown[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const sep = path.includes('?') ? '&' : '?';
        const res: HttpResult<Provenance> = await api().get<Provenance>(`${path}${sep}limit=${limit}${cursor !== null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(limit);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages += 1;
        if (pages === 1 && between) await between();
      } while (cursor !== null);
      return seen;
    };
    expect(await visit(`/api/v1/provenance/datasets/${datasets.cardio.datasetId}`, c.tokens.researcher, 2)).toEqual(whole.items);
    const requestsOnly = await api().get<Provenance>(`/api/v1/provenance/datasets/${datasets.cardio.datasetId}?operation=request&limit=1`, c.tokens.researcher);
    expect(requestsOnly.body).toMatchObject({ total: 2, items: [{ operation: 'request', referenceId: requests.denied!.requestId }] });
    // The filter's cursor is refused without the filter, and with another one.
    for (const query of ['', '&operation=grant']) {
      const other = await api().get<ErrorBody>(`/api/v1/provenance/datasets/${datasets.cardio.datasetId}?limit=1${query}&cursor=${requestsOnly.body.nextCursor!}`, c.tokens.researcher);
      expect([other.status, other.body.error.code]).toEqual([400, 'PAGINATION.CURSOR_INVALID']);
    }
    // A cursor of one list is refused by another.
    const onMarket = await api().get<ErrorBody>(`/api/v1/market/datasets?limit=1&cursor=${requestsOnly.body.nextCursor!}`, c.tokens.researcher);
    expect([onMarket.status, onMarket.body.error.code]).toEqual([400, 'PAGINATION.CURSOR_INVALID']);

    // The requests institution A receives, one at a time, while a new one arrives after the first page:
    // it is newer than every cursor, so it is on no later page, and nothing is repeated or skipped.
    const incoming = (await api().get<{ items: AccessRequestView[]; total: number }>('/api/v1/access-requests?scope=incoming&limit=200', c.tokens.adminA)).body;
    expect(incoming.total).toBe(incoming.items.length);
    let added: AccessRequestView | undefined;
    const visited = (await visit('/api/v1/access-requests?scope=incoming', c.tokens.adminA, 1, async () => {
      const res = await api().post<AccessRequestView>(
        '/api/v1/access-requests',
        { datasetId: datasets.oncology.datasetId, purpose: 'Arrives between two pages', columns: ['age'], statistics: ['count'], requestedExpiry: inDays(5) },
        c.tokens.researcher,
      );
      expect(res.status).toBe(201);
      added = res.body;
    })) as unknown as AccessRequestView[];
    expect(visited.map((r) => r.requestId)).toEqual(incoming.items.map((r) => r.requestId));
    const after = (await api().get<{ items: AccessRequestView[]; total: number }>('/api/v1/access-requests?scope=incoming&limit=1', c.tokens.adminA)).body;
    expect(after.total).toBe(incoming.total + 1);
    expect(after.items[0]?.requestId).toBe(added!.requestId);
    // Filters: by status and dataset, and by time.
    const pending = (await api().get<{ items: AccessRequestView[]; total: number }>(`/api/v1/access-requests?scope=incoming&status=pending&datasetId=${datasets.oncology.datasetId}`, c.tokens.adminA)).body;
    expect(pending.items.map((r) => r.requestId)).toEqual([added!.requestId]);
    const since = encodeURIComponent(added!.requestedAt);
    expect((await api().get<{ total: number }>(`/api/v1/access-requests?scope=incoming&from=${since}`, c.tokens.adminA)).body.total).toBe(1);
    expect((await api().get<{ total: number }>(`/api/v1/access-requests?scope=incoming&to=${since}`, c.tokens.adminA)).body.total).toBe(incoming.total);
  });

  it('answers bad input with a 4xx and a stable code, never a 5xx', async () => {
    const requestId = requests.first!.requestId;
    const valid = { datasetId: datasets.cardio.datasetId, purpose: 'p', columns: ['age'], statistics: ['count'], requestedExpiry: inDays(3) };
    const cases: { method: string; path: string; token?: string; body?: unknown; status: number; code?: string }[] = [
      { method: 'GET', path: '/api/v1/market/datasets', status: 401 },
      { method: 'GET', path: '/api/v1/market/datasets?page=2', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/market/datasets?limit=0', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/market/datasets?limit=201', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/market/datasets?limit=abc', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/market/datasets?limit=1.5', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/market/datasets?limit=-1', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: `/api/v1/market/datasets?cursor=${'a'.repeat(513)}`, token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/market/datasets?cursor=not-a-cursor', token: c.tokens.researcher, status: 400, code: 'PAGINATION.CURSOR_INVALID' },
      { method: 'GET', path: '/api/v1/market/datasets?cursor=', token: c.tokens.researcher, status: 400, code: 'PAGINATION.CURSOR_INVALID' },
      { method: 'GET', path: '/api/v1/access-requests?cursor=%7B%7D', token: c.tokens.researcher, status: 400, code: 'PAGINATION.CURSOR_INVALID' },
      { method: 'GET', path: `/api/v1/provenance/datasets/${datasets.cardio.datasetId}?cursor=eyJ2IjoxfQ`, token: c.tokens.researcher, status: 400, code: 'PAGINATION.CURSOR_INVALID' },
      { method: 'GET', path: `/api/v1/provenance/datasets/${datasets.cardio.datasetId}?operation=mint`, token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: `/api/v1/provenance/datasets/${datasets.cardio.datasetId}?from=yesterday`, token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/market/datasets?q=', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/market/datasets?institution=%20x', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/market/datasets?sort=name', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/market/datasets/%20bad', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/market/datasets/no-such-dataset', token: c.tokens.researcher, status: 404, code: 'MARKET.DATASET_NOT_FOUND' },
      { method: 'PUT', path: `/api/v1/market/datasets/${datasets.stroke.datasetId}/stance`, token: c.tokens.adminB, body: { stance: 'ajar' }, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'PUT', path: `/api/v1/market/datasets/${datasets.stroke.datasetId}/stance`, token: c.tokens.adminB, body: {}, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'POST', path: '/api/v1/access-requests', token: c.tokens.researcher, body: {}, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'POST', path: '/api/v1/access-requests', token: c.tokens.researcher, body: { ...valid, columns: [] }, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'POST', path: '/api/v1/access-requests', token: c.tokens.researcher, body: { ...valid, columns: 'age' }, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'POST', path: '/api/v1/access-requests', token: c.tokens.researcher, body: { ...valid, statistics: ['median'] }, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'POST', path: '/api/v1/access-requests', token: c.tokens.researcher, body: { ...valid, requestedExpiry: '2031-01-01' }, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'POST', path: '/api/v1/access-requests', token: c.tokens.researcher, body: { ...valid, purpose: 'x'.repeat(2001) }, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'POST', path: '/api/v1/access-requests', token: c.tokens.researcher, body: { ...valid, requester: 'someone-else' }, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'POST', path: '/api/v1/access-requests', token: c.tokens.researcher, body: { ...valid, requestedExpiry: '2020-01-01T00:00:00Z' }, status: 400, code: 'ACCESS.INVALID_REQUEST' },
      { method: 'POST', path: '/api/v1/access-requests', token: c.tokens.researcher, body: { ...valid, columns: ['income'] }, status: 400, code: 'ACCESS.INVALID_REQUEST' },
      { method: 'POST', path: '/api/v1/access-requests', token: c.tokens.researcher, body: { ...valid, datasetId: 'no-such-dataset' }, status: 404, code: 'MARKET.DATASET_NOT_FOUND' },
      { method: 'POST', path: '/api/v1/access-requests', token: c.tokens.memberA, body: valid, status: 403, code: 'ACCESS.FORBIDDEN' },
      { method: 'POST', path: '/api/v1/access-requests', token: c.tokens.consortiumAdmin, body: valid, status: 403, code: 'EDGE.FORBIDDEN' },
      { method: 'GET', path: '/api/v1/access-requests?scope=all', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/access-requests?status=expired', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/access-requests/no-such-request', token: c.tokens.researcher, status: 404, code: 'ACCESS.REQUEST_NOT_FOUND' },
      { method: 'GET', path: '/api/v1/access-requests/-starts-with-a-dash', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'POST', path: `/api/v1/access-requests/${requestId}/grant`, token: c.tokens.adminA, body: { columns: 'age' }, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'POST', path: `/api/v1/access-requests/${requestId}/grant`, token: c.tokens.adminA, body: { expiresAt: 'soon' }, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'POST', path: `/api/v1/access-requests/${requestId}/deny`, token: c.tokens.adminA, body: {}, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'POST', path: `/api/v1/access-requests/${requestId}/revoke`, token: c.tokens.adminA, body: { reason: '' }, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'POST', path: `/api/v1/access-requests/${requestId}/revoke`, token: c.tokens.adminA, body: { reason: 'again' }, status: 409, code: 'ACCESS.INVALID_STATE' },
      { method: 'POST', path: '/api/v1/access-requests/no-such-request/deny', token: c.tokens.adminA, body: { reason: 'r' }, status: 404, code: 'ACCESS.REQUEST_NOT_FOUND' },
      { method: 'GET', path: '/api/v1/provenance/datasets/no-such-dataset', token: c.tokens.researcher, status: 404, code: 'DATASET.NOT_FOUND' },
      { method: 'GET', path: '/api/v1/provenance/datasets/%20x', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/ledger/blocks/-1', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/ledger/blocks/abc', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/ledger/blocks/1.5', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/ledger/blocks/99999999', token: c.tokens.researcher, status: 404, code: 'LEDGER.NOT_FOUND' },
      { method: 'GET', path: '/api/v1/ledger/transactions/not%20a%20tx', token: c.tokens.researcher, status: 400, code: 'VALIDATION.FAILED' },
      { method: 'GET', path: '/api/v1/ledger/transactions/0123456789abcdef', token: c.tokens.researcher, status: 404, code: 'LEDGER.NOT_FOUND' },
      { method: 'POST', path: '/api/v1/access-requests', token: c.tokens.researcher, body: '{"datasetId":', status: 400 },
    ];
    for (const k of cases) {
      const res = await api().call<ErrorBody>(k.method, k.path, { ...(k.token ? { token: k.token } : {}), ...(typeof k.body === 'string' ? { rawBody: k.body } : k.body !== undefined ? { body: k.body } : {}) });
      const seen = { case: `${k.method} ${k.path} ${JSON.stringify(k.body ?? '')}`.slice(0, 160), status: res.status, code: res.body.error.code };
      expect(seen).toEqual({ case: seen.case, status: k.status, code: k.code ?? seen.code });
      expect(res.body.error.code).toMatch(STABLE_CODE);
    }
  });
});
