// Acceptance: the whole join flow over HTTP, with real NATS, the real services and the embedded
// ledger — apply, admit (committed on-chain), the on-chain record visible through the ledger's own
// queries, the institution listed, its connection test green; and a stopped storage node reported
// unreachable with a clear reason, even while another institution's storage node is up on the same NATS.
import { LedgerGetMember, LedgerGetTransaction, LedgerListMembers, nodeKeyId, StorageGetNodeInfo } from '@phdmf/contracts';
import { Api, type ErrorBody } from './support/http';
import { ADMIN_EMAIL, ADMIN_PASSWORD, nodeKeyPair, Stack, type StorageNode } from './support/stack';

jest.setTimeout(120_000);

interface Application {
  applicationId: string;
  memberId: string;
  status: string;
  decision?: { txId: string; blockNumber: number };
}

describe('joining the consortium (e2e over HTTP)', () => {
  let stack: Stack;
  let api: Api;
  let admin: string;
  let storage: StorageNode | undefined;
  let otherStorage: StorageNode | undefined;

  beforeAll(async () => {
    stack = await Stack.start();
    api = new Api(stack.baseUrl);
    admin = (await api.login(ADMIN_EMAIL, ADMIN_PASSWORD)).accessToken;
  });

  afterAll(async () => {
    await storage?.stop();
    await otherStorage?.stop();
    await stack.stop();
  });

  it('applies, admits on-chain, lists the node, tests its connection, and reports a stopped node unreachable', async () => {
    // 1. The institution's future admin registers and applies.
    await api.register('head@hospital-a.test', 'hospital a head password');
    const applicant = await api.login('head@hospital-a.test', 'hospital a head password');
    const keys = nodeKeyPair();
    const applied = await api.post<Application>(
      '/api/v1/membership-applications',
      { name: 'Hospital A', contactName: 'Dr. Head', contactEmail: 'head@hospital-a.test', nodeId: 'hospital-a-node', endpoint: 'https://node.hospital-a.test:8443', nodePublicKey: keys.publicKeyPem },
      applicant.accessToken,
    );
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ status: 'pending' });
    const { applicationId, memberId } = applied.body;

    // Not yet a member: nothing on-chain, nothing listed.
    await expect(stack.busRequest(LedgerGetMember.CONTRACT, { memberId })).rejects.toMatchObject({ code: 'MEMBER.NOT_FOUND' });
    expect((await api.get<{ items: unknown[] }>('/api/v1/institutions', admin)).body).toEqual({ items: [], nextCursor: null, total: 0 });

    // 2. The consortium admin admits it: the answer carries the committed transaction.
    const admitted = await api.post<Application>(`/api/v1/membership-applications/${applicationId}/admit`, {}, admin);
    expect(admitted.status).toBe(200);
    expect(admitted.body.status).toBe('admitted');
    const decision = admitted.body.decision!;
    expect(decision.txId).toMatch(/\S+/);
    expect(decision.blockNumber).toBeGreaterThan(0);

    // 3. The on-chain record, read from the ledger service itself.
    const onChain = await stack.busRequest(LedgerGetMember.CONTRACT, { memberId });
    expect(onChain).toMatchObject({ memberId, name: 'Hospital A', status: 'active', nodeId: 'hospital-a-node', nodePublicKey: keys.publicKeyPem, txId: decision.txId });
    expect((await stack.busRequest(LedgerListMembers.CONTRACT, {})).members.map((m) => m.memberId)).toContain(memberId);
    const tx = await stack.busRequest(LedgerGetTransaction.CONTRACT, { txId: decision.txId });
    expect(tx).toMatchObject({ blockNumber: decision.blockNumber, validationCode: 'VALID' });

    // 4. Listed in node information, with its on-chain record.
    const listed = await api.get<{ items: { memberId: string; onChain?: { txId: string }; admission: { txId: string } }[] }>('/api/v1/institutions', admin);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ memberId, name: 'Hospital A', status: 'active', nodeId: 'hospital-a-node', admission: decision })]);
    expect(listed.body.items[0]!.onChain?.txId).toBe(decision.txId);

    // 5. The applicant is now the institution's admin (after a refresh, the token says so).
    const refreshed = await api.post<{ accessToken: string }>('/api/v1/auth/refresh', { refreshToken: applicant.refreshToken });
    expect(refreshed.status).toBe(200);
    const instAdmin = refreshed.body.accessToken;
    expect((await api.get('/api/v1/auth/me', instAdmin)).body).toMatchObject({ roles: ['institution-admin'], organisationId: memberId });

    // 6. Its storage node comes up — and so does another site's, with another node id, on the same
    // NATS. The connection test is green, answered by hospital-a-node itself.
    storage = await stack.startStorageNode('hospital-a-node', memberId, keys.privateKeyPem);
    otherStorage = await stack.startStorageNode('elsewhere-node', 'm-elsewhere', nodeKeyPair().privateKeyPem);
    const green = await api.post<{ nodeId: string; probe: string; reachable: boolean; roundTripMs: number; softwareVersion?: string; ledgerHeight?: number; checks?: Record<string, string> }>(
      `/api/v1/institutions/${memberId}/node/connection-test`,
      {},
      instAdmin,
    );
    expect(green.status).toBe(200);
    expect(green.body).toMatchObject({ memberId, nodeId: 'hospital-a-node', probe: 'node', reachable: true });
    expect(green.body).not.toHaveProperty('failure');
    expect(green.body.roundTripMs).toBeGreaterThan(0);
    expect(green.body.softwareVersion).toMatch(/\d+\.\d+\.\d+/);
    expect(green.body.ledgerHeight).toBeGreaterThanOrEqual(decision.blockNumber + 1);
    expect(green.body.checks).toMatchObject({ nats: 'up', database: 'up', ledger: 'up' });
    // The node's own answer on its subject names it, its organisation and its registered key; the other node answers only for itself.
    const info = await stack.busRequest(StorageGetNodeInfo.contractFor('hospital-a-node'), {});
    expect(info).toMatchObject({ nodeId: 'hospital-a-node', organisationId: memberId, publicKeyFingerprint: nodeKeyId(keys.publicKeyPem) });
    expect(info.ledgerHeight).toBeGreaterThanOrEqual(decision.blockNumber + 1);
    expect(await stack.busRequest(StorageGetNodeInfo.contractFor('elsewhere-node'), {})).toMatchObject({ nodeId: 'elsewhere-node', organisationId: 'm-elsewhere' });
    const withHeartbeat = await api.get<{ lastHeartbeatAt?: string }>(`/api/v1/institutions/${memberId}`, admin);
    expect(withHeartbeat.body.lastHeartbeatAt).toBeDefined();

    // 7. The node stops: the test says unreachable, and why — the other site, still up on the same
    // NATS, does not answer for it.
    await storage.stop();
    const red = await api.post<{ reachable: boolean; failure?: { code: string; reason: string } }>(`/api/v1/institutions/${memberId}/node/connection-test`, {}, admin);
    expect(red.status).toBe(200);
    expect(red.body.reachable).toBe(false);
    expect(red.body.failure).toEqual({ code: 'MESSAGING.NO_RESPONDERS', reason: expect.stringContaining('hospital-a-node') });
    await expect(stack.busRequest(StorageGetNodeInfo.contractFor('elsewhere-node'), {})).resolves.toMatchObject({ nodeId: 'elsewhere-node' });
  });

  it('changes the node configuration through the institution admin, on-chain first', async () => {
    await api.register('head@hospital-b.test', 'hospital b head password');
    const applicant = await api.login('head@hospital-b.test', 'hospital b head password');
    const keys = nodeKeyPair();
    const applied = await api.post<Application>(
      '/api/v1/membership-applications',
      { name: 'Hospital B', contactName: 'Dr. B', contactEmail: 'head@hospital-b.test', nodeId: 'hospital-b-node', endpoint: 'https://node.hospital-b.test:8443', nodePublicKey: keys.publicKeyPem },
      applicant.accessToken,
    );
    const { applicationId, memberId } = applied.body;
    expect((await api.post(`/api/v1/membership-applications/${applicationId}/admit`, {}, admin)).status).toBe(200);
    // Admitting twice is a conflict, not a second transaction.
    expect((await api.post<ErrorBody>(`/api/v1/membership-applications/${applicationId}/admit`, {}, admin)).body.error.code).toBe('NODE_REGISTRY.ALREADY_DECIDED');
    const instAdmin = (await api.post<{ accessToken: string }>('/api/v1/auth/refresh', { refreshToken: applicant.refreshToken })).body.accessToken;

    const newKeys = nodeKeyPair();
    const updated = await api.call<{ endpoint: string; lastNodeUpdate?: { txId: string; blockNumber: number } }>('PUT', `/api/v1/institutions/${memberId}/node`, {
      token: instAdmin,
      body: { nodeId: 'hospital-b-node-2', endpoint: 'https://node2.hospital-b.test:9443', nodePublicKey: newKeys.publicKeyPem },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.endpoint).toBe('https://node2.hospital-b.test:9443');
    const onChain = await stack.busRequest(LedgerGetMember.CONTRACT, { memberId });
    expect(onChain).toMatchObject({ nodeId: 'hospital-b-node-2', endpoint: 'https://node2.hospital-b.test:9443', nodePublicKey: newKeys.publicKeyPem, txId: updated.body.lastNodeUpdate?.txId });
  });

  it('rejects an application on-chain, with its reason', async () => {
    await api.register('head@clinic-c.test', 'clinic c head password');
    const applicant = await api.login('head@clinic-c.test', 'clinic c head password');
    const applied = await api.post<Application>(
      '/api/v1/membership-applications',
      { name: 'Clinic C', contactName: 'C', contactEmail: 'head@clinic-c.test', nodeId: 'clinic-c-node', endpoint: 'https://node.clinic-c.test', nodePublicKey: nodeKeyPair().publicKeyPem },
      applicant.accessToken,
    );
    const rejected = await api.post<Application & { reason?: string }>(`/api/v1/membership-applications/${applied.body.applicationId}/reject`, { reason: 'not a medical institution' }, admin);
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'not a medical institution' });
    expect(await stack.busRequest(LedgerGetMember.CONTRACT, { memberId: applied.body.memberId })).toMatchObject({ status: 'rejected', txId: rejected.body.decision?.txId });
  });
});
