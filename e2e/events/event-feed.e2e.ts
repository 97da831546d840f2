// Issue 17's event feed, against the real system: nats-server with the event stream, the ledger, the
// services, a storage site and the REST edge as its own process (killed with -9 and restarted in one
// test). A grant reaches the requester's open stream within a second of its commit; nobody else sees
// it; a reconnect with the last id across a restart of the edge misses and repeats nothing; a bad
// Last-Event-ID is a clear 400; the stream ends with `session-expired` when the token expires.
import { appendFileSync, chmodSync } from 'node:fs';
import * as path from 'node:path';
import { AuthorizationDenyAccess, AuthorizationGrantAccess, AuthorizationRequestAccess, type AccessRequestView } from '@phdmf/contracts';
import { issueAccessToken } from '@phdmf/auth';
import { SigningKeys } from '../../apps/accounts/src/users/infrastructure/signing-keys';
import { buildConsortium, pendingApplication, unique, type Consortium } from '../join/support/consortium';
import { inMarket, releaseDataset, type Released } from '../join/support/datasets';
import type { ErrorBody } from '../join/support/http';
import { Stack, type StorageNode } from '../join/support/stack';
import { FeedClient, recordOf, type Received } from './support/feed-client';

jest.setTimeout(420_000);

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('GET /api/v1/events: the event feed (e2e, edge as its own process)', () => {
  let stack: Stack;
  let c: Consortium;
  let node: StorageNode | undefined;
  let dataset: Released;
  const feeds: FeedClient[] = [];

  const open = async (token: string, o: { lastEventId?: string; query?: string } = {}) => {
    const feed = await FeedClient.open(stack.baseUrl, token, o);
    feeds.push(feed);
    expect({ status: feed.status, type: feed.contentType }).toEqual({ status: 200, type: 'text/event-stream; charset=utf-8' });
    return feed;
  };
  const question = (purpose: string) => ({ datasetId: dataset.datasetId, purpose, columns: ['age', 'sbp'], statistics: ['count', 'mean'] as AuthorizationRequestAccess.Payload['statistics'], requestedExpiry: inDays(30) });
  const apply = async (purpose: string) => {
    const r = await c.api.post<AccessRequestView>('/api/v1/access-requests', question(purpose), c.tokens.researcher);
    expect(r.status).toBe(201);
    return r.body;
  };
  const concerning = (feed: FeedClient, requestId: string) => feed.events().filter((m) => recordOf(m).requestId === requestId);
  // The services as the bus carries a verified caller (for commits while the edge is down).
  const actors = () => ({
    researcher: { userId: c.userIds.researcher, roles: ['researcher'] },
    adminA: { userId: c.userIds.adminA, roles: ['institution-admin'], organisationId: c.a.memberId },
  });

  beforeAll(async () => {
    stack = await Stack.start({ gatewayProcess: true, gatewayEnv: { RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000', NATS_REQUEST_TIMEOUT_MS: '20000' } });
    c = await buildConsortium(stack);
    node = await stack.startStorageNode(c.a.nodeId, c.a.memberId, c.a.nodePrivateKeyPem);
    dataset = await releaseDataset(node, c.tokens.memberA, `Feed cohort ${unique()}`);
    await inMarket(c.api, dataset.datasetId, c.tokens.researcher);
  });

  afterAll(async () => {
    for (const feed of feeds) feed.close();
    await node?.stop();
    await stack?.stop();
  });

  it('delivers a grant to the requester\'s open stream within a second of its commit; the owner\'s staff see the request; nobody else sees any of it', async () => {
    const researcher = await open(c.tokens.researcher);
    const memberA = await open(c.tokens.memberA);
    const others = { adminB: await open(c.tokens.adminB), memberB: await open(c.tokens.memberB), consortiumAdmin: await open(c.tokens.consortiumAdmin) };

    const request = await apply(`Feed grant ${unique()}`);
    const requested = await memberA.waitFor((m) => m.event === 'AccessRequested' && recordOf(m).requestId === request.requestId, 'AccessRequested at the owner');
    expect(requested.data).toMatchObject({ eventName: 'AccessRequested', txId: request.txId, record: { requestId: request.requestId, requester: c.userIds.researcher, ownerMemberId: c.a.memberId, status: 'pending' } });

    const granted = await c.api.post<AccessRequestView>(`/api/v1/access-requests/${request.requestId}/grant`, { reason: 'approved' }, c.tokens.adminA);
    expect(granted.status).toBe(200);
    const committedAt = Date.now(); // the edge answers once the grant is committed
    const delivered = await researcher.waitFor((m) => m.event === 'AccessGranted' && recordOf(m).requestId === request.requestId, 'AccessGranted at the requester', 5_000);
    expect(delivered.at - committedAt).toBeLessThan(1_000);
    expect(delivered.data).toMatchObject({ eventName: 'AccessGranted', txId: granted.body.txId, blockNumber: granted.body.blockNumber, record: { requestId: request.requestId, status: 'granted' } });
    expect(Number(delivered.id)).toBeGreaterThan(Number(requested.id));

    // The requester does not get the owner's side (a new request), the owner's staff not the decision.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(concerning(researcher, request.requestId).map((m) => m.event)).toEqual(['AccessGranted']);
    expect(concerning(memberA, request.requestId).map((m) => m.event)).toEqual(['AccessRequested']);
    // Another institution's admin and member, and the consortium admin: nothing at all of it.
    for (const [who, feed] of Object.entries(others)) expect({ who, events: concerning(feed, request.requestId) }).toEqual({ who, events: [] });
    for (const feed of [researcher, memberA, ...Object.values(others)]) feed.close();
  });

  it('shows an admission to the consortium admin and the applicant, and to no one else', async () => {
    const applicant = await pendingApplication(c.api, `feed-${unique()}`);
    const feeds = { applicant: await open(applicant.token), admin: await open(c.tokens.consortiumAdmin), researcher: await open(c.tokens.researcher), adminA: await open(c.tokens.adminA) };
    const admitted = await c.api.post(`/api/v1/membership-applications/${applicant.applicationId}/admit`, {}, c.tokens.consortiumAdmin);
    expect(admitted.status).toBe(200);
    const isIt = (m: Received) => m.event === 'MemberAdmitted' && recordOf(m).memberId === applicant.memberId;
    await feeds.applicant.waitFor(isIt, 'MemberAdmitted at the applicant');
    await feeds.admin.waitFor(isIt, 'MemberAdmitted at the consortium admin');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(feeds.researcher.events().filter(isIt)).toEqual([]);
    expect(feeds.adminA.events().filter(isIt)).toEqual([]);
    for (const feed of Object.values(feeds)) feed.close();
  });

  it('refuses a bad Last-Event-ID with 400 EVENTS.LAST_EVENT_ID_INVALID, header or query, before any stream starts', async () => {
    for (const bad of ['abc', '-1', '01', '1e3', '1.5', ' ', '99999999999999999', '123456789012345']) {
      const r = await c.api.call<ErrorBody>('GET', '/api/v1/events', { token: c.tokens.researcher, headers: { 'last-event-id': bad } });
      expect({ bad, status: r.status, code: r.body.error.code }).toEqual({ bad, status: 400, code: 'EVENTS.LAST_EVENT_ID_INVALID' });
    }
    const q = await c.api.call<ErrorBody>('GET', '/api/v1/events?lastEventId=x1', { token: c.tokens.researcher });
    expect({ status: q.status, code: q.body.error.code }).toEqual({ status: 400, code: 'EVENTS.LAST_EVENT_ID_INVALID' });
    const anonymous = await c.api.call<ErrorBody>('GET', '/api/v1/events', {});
    expect(anonymous.status).toBe(401);
  });

  it('ends the stream with session-expired when the token expires', async () => {
    const key = stack.accounts.get(SigningKeys).current();
    const shortLived = await issueAccessToken(key, { issuer: 'phdmf-accounts', audience: 'phdmf-api', userId: c.userIds.researcher, roles: ['researcher'], ttlSeconds: 3 });
    const feed = await open(shortLived);
    await feed.ended;
    const last = feed.messages.at(-1);
    expect(last).toMatchObject({ id: undefined, event: 'session-expired', data: { code: 'AUTH.TOKEN_EXPIRED' } });
    expect(feed.comments[0]).toBe('stream open');
  });

  it('resumes after Last-Event-ID across a kill -9 and restart of the edge, missing and repeating nothing', async () => {
    // A decision the requester sees, then the edge dies; three more are committed while it is down.
    const researcher = await open(c.tokens.researcher);
    const first = await apply(`Before the crash ${unique()}`);
    await c.api.post(`/api/v1/access-requests/${first.requestId}/deny`, { reason: 'not now' }, c.tokens.adminA);
    await researcher.waitFor((m) => m.event === 'AccessDenied' && recordOf(m).requestId === first.requestId, 'the denial before the crash');
    const lastSeen = researcher.lastId()!;
    const seenBefore = researcher.events().map((m) => m.id);

    await stack.killGateway('SIGKILL');
    await researcher.ended; // the connection broke with the edge
    const whileDown: string[] = [];
    for (const [i, decide] of (['grant', 'deny', 'grant'] as const).entries()) {
      const request = await stack.busRequest(AuthorizationRequestAccess.CONTRACT, question(`While the edge is down ${i} ${unique()}`), actors().researcher);
      if (decide === 'grant') await stack.busRequest(AuthorizationGrantAccess.CONTRACT, { requestId: request.requestId }, actors().adminA);
      else await stack.busRequest(AuthorizationDenyAccess.CONTRACT, { requestId: request.requestId, reason: 'no' }, actors().adminA);
      whileDown.push(request.requestId);
    }
    await stack.startGateway();

    const resumed = await open(c.tokens.researcher, { lastEventId: lastSeen });
    for (const requestId of whileDown) await resumed.waitFor((m) => recordOf(m).requestId === requestId, `the decision on ${requestId}`);
    // And one committed live after the reconnect.
    const live = await apply(`After the restart ${unique()}`);
    await c.api.post(`/api/v1/access-requests/${live.requestId}/grant`, {}, c.tokens.adminA);
    await resumed.waitFor((m) => recordOf(m).requestId === live.requestId, 'the live grant');

    const ids = resumed.events().map((m) => Number(m.id));
    expect(ids[0]).toBeGreaterThan(Number(lastSeen));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of seenBefore) expect(ids).not.toContain(Number(id));
    // Exactly the requester's decisions, in commit order: nothing missed, nothing repeated, nothing of others.
    expect(resumed.events().map((m) => [m.event, recordOf(m).requestId])).toEqual([
      ['AccessGranted', whileDown[0]],
      ['AccessDenied', whileDown[1]],
      ['AccessGranted', whileDown[2]],
      ['AccessGranted', live.requestId],
    ]);
    // The same through the query parameter (for clients that cannot set headers).
    const viaQuery = await open(c.tokens.researcher, { query: `?lastEventId=${lastSeen}` });
    await viaQuery.waitFor((m) => recordOf(m).requestId === live.requestId, 'the live grant through ?lastEventId=');
    expect(viaQuery.events().map((m) => m.id)).toEqual(resumed.events().map((m) => m.id));
  });

  // Last: it tampers with the dataset, which is refused to everyone from then on.
  it('shows a tamper finding to the owner institution\'s staff and to grant holders on the dataset, and to no one else', async () => {
    // The researcher holds grants on the dataset (the tests above); another researcher holds none.
    const otherEmail = `other-${unique()}@uni.test`;
    await c.api.register(otherEmail, 'another researcher password');
    const other = await c.api.login(otherEmail, 'another researcher password');
    const feeds = { researcher: await open(c.tokens.researcher), memberA: await open(c.tokens.memberA), adminB: await open(c.tokens.adminB), other: await open(other.accessToken), consortiumAdmin: await open(c.tokens.consortiumAdmin) };
    const file = path.join(node!.dataDir, 'storage', 'objects', dataset.sha256.slice(0, 2), dataset.sha256);
    chmodSync(file, 0o600);
    appendFileSync(file, '47,131\n');
    const audit = await fetch(`${node!.url}/audit`, { method: 'POST', headers: { authorization: `Bearer ${c.tokens.adminA}` } });
    expect(audit.status).toBe(200);
    const isIt = (m: Received) => m.event === 'TamperDetected' && recordOf(m).datasetId === dataset.datasetId;
    const found = await feeds.researcher.waitFor(isIt, 'TamperDetected at a grant holder');
    expect(found.data).toMatchObject({ eventName: 'TamperDetected', record: { datasetId: dataset.datasetId, expectedSha256: dataset.sha256, ownerMemberId: c.a.memberId } });
    await feeds.memberA.waitFor(isIt, 'TamperDetected at the owner\'s staff');
    await new Promise((r) => setTimeout(r, 1_000));
    for (const who of ['adminB', 'other', 'consortiumAdmin'] as const) expect({ who, events: feeds[who].events().filter(isIt) }).toEqual({ who, events: [] });
    for (const feed of Object.values(feeds)) feed.close();
  });
});
