// The whole PHDMF flow through the REST edge, with the ledger service on the Fabric adapter: the same
// services and calls as over the embedded ledger (e2e/join, e2e/analysis), on a local Fabric network
// that starts with two organisations, which this file starts itself (infra/fabric/network.sh, free
// ports, temporary data directory) and stops in afterAll. Needs the Fabric binaries (FABRIC_BIN or
// PATH); without them the whole file is skipped with one line saying why.
//
// Who is who on the network: Org1MSP and Org2MSP found it, a peer each; Org1MSP governs (the ledger
// service signs the consortium's and the services' transactions with it). The two institutions that
// join through the REST edge get the MSP ids the node registry assigns them. Between their admission and
// their first write, each institution's organisation joins the channel with a peer of its own, only
// through network.sh's operator commands (a config update the admins of a majority of the members sign,
// each with its own identity; support/join-organisation.ts); the test never touches the channel itself.
// Then the ledger service gets the new connection.json (their client identities) and restarts. Every
// write is endorsed by a majority of the members' peers, and a write of an institution's dataset
// records by that institution's own peer (key-level endorsement). Every REST call is the one the
// embedded-ledger tests make.
//
// Stopping the ledger service while transactions commit (gracefully, and with SIGKILL) and starting it
// again without missing or repeating a bus event is proven on Fabric by fabric-conformance.spec.ts
// ("the ledger service on Fabric: chain events on the bus across a restart"); here, after the restart
// the flow needs, the last test checks that the stream holds every chain event of the flow exactly once.
import '../../apps/ledger/src/chaincode/chaincode-logging'; // before anything loads fabric-contract-api
import { copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { LedgerChaincodeErrorCode, LedgerGrantAccess, LedgerRequestAccess, type LedgerMemberRecord } from '@phdmf/contracts';
import { eventually } from '@phdmf/testing';
import { ContractName } from '../../apps/ledger/src/chaincode/phdmf-chaincode';
import { organisationIdentity } from '../../apps/ledger/src/identity/signing-identity.resolver';
import { loadConnectionProfile } from '../../apps/ledger/src/ledger-port/fabric/connection-profile';
import { FabricLedgerAdapter } from '../../apps/ledger/src/ledger-port/fabric/fabric-ledger.adapter';
import { chainEventIds, LedgerClient } from '../../apps/ledger/test-support/ledger-service';
import { findFabricBinaries, startLocalFabricNetwork, type LocalFabricNetwork } from '../../bench/fabric/local-network';
import { Api, type ErrorBody } from '../join/support/http';
import { ADMIN_EMAIL, ADMIN_PASSWORD, nodeKeyPair, Stack, type StorageNode } from '../join/support/stack';
import { joinOrganisation } from './support/join-organisation';

jest.setTimeout(300_000);

const binaries = findFabricBinaries();
const skipReason = 'missing' in binaries ? binaries.missing : undefined;
if (skipReason !== undefined) {
  // The one line a run without Fabric shows.
  process.stderr.write(`e2e/fabric whole flow skipped: ${skipReason} (set FABRIC_BIN to a Fabric >= 2.4 bin directory to run it)\n`);
}
const describeWithFabric = skipReason === undefined ? describe : describe.skip;

const GOVERNOR_MSP = 'Org1MSP';
const PEER_ORGANISATIONS = ['Org1MSP', 'Org2MSP'];

/** Endorsed by a majority of the four members' peers, the owner's own among them. */
function expectOwnerAndMajority(endorserMspIds: readonly string[], ownerMspId: string): void {
  expect(endorserMspIds).toContain(ownerMspId);
  expect(new Set(endorserMspIds).size).toBeGreaterThanOrEqual(3);
}
const STATISTICS = ['count', 'sum', 'mean', 'variance', 'sd'] as const;

/** A deterministic cohort: `rows` patients with age and systolic blood pressure, differing per site. */
function cohort(rows: number, seed: number): { csv: string; sbp: number[] } {
  const sbp: number[] = [];
  const lines = ['id,age,sbp'];
  for (let i = 0; i < rows; i++) {
    const value = 100 + seed * 7 + ((i * 37 + seed * 11) % 61);
    sbp.push(value);
    lines.push(`${seed * 10_000 + i},${20 + ((i * 13 + seed) % 60)},${value}`);
  }
  return { csv: `${lines.join('\n')}\n`, sbp };
}

interface Institution {
  label: string;
  memberId: string;
  mspId: string;
  nodeId: string;
  privateKeyPem: string;
  headRefreshToken: string;
  admin: string;
  staff: string;
  site?: StorageNode;
  datasetId?: string;
  sbp?: number[];
  requestId?: string;
}

interface Committed {
  txId: string;
  blockNumber: number;
}

describeWithFabric('the whole flow on Fabric, through the REST edge', () => {
  let network: LocalFabricNetwork | undefined;
  let stack: Stack | undefined;
  let ledgerConnectionFile = '';
  let api: Api;
  let consortiumAdmin: string;
  let researcher: string;
  const institutions: Institution[] = [];
  const answers = new Map<string, Committed[]>(); // datasetId -> its operations' transactions, in order

  const binDir = (): string => {
    if ('missing' in binaries) throw new Error(binaries.missing);
    return binaries.binDir;
  };
  const a = (): Institution => institutions[0]!;
  const b = (): Institution => institutions[1]!;
  const record = (datasetId: string, committed: Committed): void => {
    answers.set(datasetId, [...(answers.get(datasetId) ?? []), { txId: committed.txId, blockNumber: committed.blockNumber }]);
  };

  beforeAll(async () => {
    network = await startLocalFabricNetwork(binDir(), { organisations: 2, reserveOrganisations: 4 });
    // The ledger service's own copy: the platform step below rewrites it with the new members' identities.
    ledgerConnectionFile = path.join(network.dataDir, 'connection-ledger-service.json');
    copyFileSync(network.connectionFile, ledgerConnectionFile);
    stack = await Stack.start({
      ledgerEnv: { LEDGER_ADAPTER: 'fabric', FABRIC_CONNECTION_FILE: ledgerConnectionFile, LEDGER_GOVERNOR_MSP: GOVERNOR_MSP, LEDGER_VERIFY_ON_START: 'false' },
      aggregation: { env: {} },
      gatewayEnv: { RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    api = new Api(stack.baseUrl);
    consortiumAdmin = (await api.login(ADMIN_EMAIL, ADMIN_PASSWORD)).accessToken;
    await api.register('researcher@fabric-flow.test', 'a researcher password');
    researcher = (await api.login('researcher@fabric-flow.test', 'a researcher password')).accessToken;
  }, 240_000);

  afterAll(async () => {
    for (const institution of institutions) await institution.site?.stop().catch(() => undefined);
    await stack?.stop();
    await network?.stop();
  }, 60_000);

  it('joins two institutions: applied and admitted over REST, each organisation then added to the channel', async () => {
    for (const label of ['a', 'b']) {
      const email = `head@hospital-${label}.fabric.test`;
      await api.register(email, `hospital ${label} head password`);
      const head = await api.login(email, `hospital ${label} head password`);
      const keys = nodeKeyPair();
      const nodeId = `fabric-node-${label}`;
      const applied = await api.post<{ applicationId: string; memberId: string; status: string }>(
        '/api/v1/membership-applications',
        { name: `Hospital ${label.toUpperCase()}`, contactName: 'Dr. Head', contactEmail: email, nodeId, endpoint: `https://node.hospital-${label}.test:8443`, nodePublicKey: keys.publicKeyPem },
        head.accessToken,
      );
      expect(applied.status).toBe(201);
      const admitted = await api.post<{ status: string; decision: Committed }>(`/api/v1/membership-applications/${applied.body.applicationId}/admit`, {}, consortiumAdmin);
      expect(admitted.status).toBe(200);
      expect(admitted.body.status).toBe('admitted');
      const listed = await api.get<{ onChain?: LedgerMemberRecord & { txId: string } }>(`/api/v1/institutions/${applied.body.memberId}`, consortiumAdmin);
      expect(listed.body.onChain).toMatchObject({ memberId: applied.body.memberId, status: 'active', nodeId, txId: admitted.body.decision.txId });
      institutions.push({
        label,
        memberId: applied.body.memberId,
        mspId: listed.body.onChain?.mspId ?? '',
        nodeId,
        privateKeyPem: keys.privateKeyPem,
        headRefreshToken: head.refreshToken,
        admin: '',
        staff: '',
      });
    }
    // The admissions were signed by the governing MSP and endorsed by both peer organisations.
    const adapter = FabricLedgerAdapter.open({ profile: loadConnectionProfile(network!.connectionFile) });
    try {
      const admissions = (await api.get<{ items: { memberId: string; admission: Committed }[] }>('/api/v1/institutions', consortiumAdmin)).body.items;
      expect(admissions.map((i) => i.memberId).sort()).toEqual(institutions.map((i) => i.memberId).sort());
      for (const { admission } of admissions) {
        const tx = await adapter.findTransaction(admission.txId);
        expect(tx).toMatchObject({ validationCode: 'VALID', creatorMspId: GOVERNOR_MSP, blockNumber: admission.blockNumber });
        expect([...new Set(tx.endorserMspIds)].sort()).toEqual(PEER_ORGANISATIONS);
      }
    } finally {
      await adapter.close();
    }

    // The consortium's part on Fabric: each admitted institution's organisation joins the channel with a
    // peer of its own (organisations 3 and 4), the update signed by the admins of a majority of the
    // members at the time (both founders, then two of three); the ledger service gets the new identities.
    let members = [1, 2];
    for (const [index, i] of institutions.entries()) {
      const n = 3 + index;
      await joinOrganisation(network!, n, i.mspId, members.slice(0, Math.floor(members.length / 2) + 1));
      members = [...members, n];
    }
    const probe = FabricLedgerAdapter.open({ profile: loadConnectionProfile(network!.connectionFile) });
    try {
      for (const i of institutions) {
        await eventually(
          () => probe.evaluate(organisationIdentity(i.mspId), ContractName.Consortium, 'listMembers', ['{}']).then(() => true, () => false),
          `the peers to accept ${i.mspId} after the channel update`,
          60_000,
        );
      }
    } finally {
      await probe.close();
    }
    copyFileSync(network!.connectionFile, ledgerConnectionFile);
    await stack!.restartLedger();

    // Each head is now the institution's admin; each institution gets a staff member.
    for (const i of institutions) {
      i.admin = (await api.post<{ accessToken: string }>('/api/v1/auth/refresh', { refreshToken: i.headRefreshToken })).body.accessToken;
      const email = `staff@hospital-${i.label}.fabric.test`;
      const created = await api.post(`/api/v1/institutions/${i.memberId}/users`, { email, password: 'a staff password', displayName: 'Staff' }, i.admin);
      expect(created.status).toBe(201);
      i.staff = (await api.login(email, 'a staff password')).accessToken;
    }
  });

  it('releases a dataset at each storage site: signed by the institution, endorsed by a majority of the members, its own peer among them', async () => {
    const adapter = FabricLedgerAdapter.open({ profile: loadConnectionProfile(network!.connectionFile) });
    try {
      for (const [index, i] of institutions.entries()) {
        i.site = await stack!.startStorageNode(i.nodeId, i.memberId, i.privateKeyPem);
        const { csv, sbp } = cohort(120 + index * 40, index + 1);
        const res = await fetch(`${i.site.url}/datasets?name=${encodeURIComponent(`Hospital ${i.label.toUpperCase()} hypertension cohort`)}&fileName=cohort-${i.label}.csv`, {
          method: 'POST',
          headers: { authorization: `Bearer ${i.staff}`, 'content-type': 'text/csv' },
          body: csv,
        });
        const body = (await res.json()) as { datasetId: string; state: string; versions?: { release: { state: string; txId?: string; blockNumber?: number } }[] };
        expect(res.status).toBe(201);
        expect(body.state).toBe('released');
        const release = body.versions?.at(-1)?.release;
        expect(release?.state).toBe('committed');
        i.datasetId = body.datasetId;
        i.sbp = sbp;
        record(body.datasetId, { txId: release?.txId ?? '', blockNumber: release?.blockNumber ?? -1 });

        const tx = await adapter.findTransaction(release?.txId ?? '');
        expect(tx).toMatchObject({ validationCode: 'VALID', creatorMspId: i.mspId, blockNumber: release?.blockNumber });
        expectOwnerAndMajority(tx.endorserMspIds, i.mspId);
      }
    } finally {
      await adapter.close();
    }
  });

  it('shows both datasets in the data market, metadata and schema only', async () => {
    for (const i of institutions) {
      await eventually(async () => (await api.get(`/api/v1/market/datasets/${i.datasetId!}`, researcher)).status === 200, `dataset ${i.datasetId!} in the market`, 30_000);
      const entry = await api.get<{ datasetId: string; ownerMemberId: string; rowCount: number; columns: { name: string }[]; txId: string; status: string }>(`/api/v1/market/datasets/${i.datasetId!}`, researcher);
      expect(entry.body).toMatchObject({ datasetId: i.datasetId, ownerMemberId: i.memberId, rowCount: i.sbp!.length, status: 'active', txId: answers.get(i.datasetId!)?.[0]?.txId });
      expect(entry.body.columns.map((c) => c.name)).toEqual(['id', 'age', 'sbp']);
    }
    const page = await api.get<{ items: { datasetId: string }[] }>('/api/v1/market/datasets?column=sbp&limit=50', researcher);
    expect(page.status).toBe(200);
    expect(page.body.items.map((e) => e.datasetId)).toEqual(expect.arrayContaining(institutions.map((i) => i.datasetId)));
  });

  it('requests access; the other organisation cannot grant it (refused by the chaincode), each owner can', async () => {
    const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString();
    for (const i of institutions) {
      const requested = await api.post<{ requestId: string; status: string } & Committed>(
        '/api/v1/access-requests',
        { datasetId: i.datasetId, purpose: 'Blood pressure across sites', columns: ['age', 'sbp'], statistics: [...STATISTICS], requestedExpiry: expiry },
        researcher,
      );
      expect(requested.status).toBe(201);
      expect(requested.body.status).toBe('pending');
      i.requestId = requested.body.requestId;
      record(i.datasetId!, requested.body);
    }

    // Hospital B's admin decides on hospital A's request: the authorization service refuses it before
    // the ledger…
    const overRest = await api.post<ErrorBody>(`/api/v1/access-requests/${a().requestId!}/grant`, { reason: 'not ours to give' }, b().admin);
    expect([overRest.status, overRest.body.error.code]).toEqual([403, 'ACCESS.FORBIDDEN']);
    // …and so does the chaincode itself when the ledger service signs the grant as B's organisation: the
    // code comes from Fabric's endorsement error details.
    await expect(
      stack!.busRequest(LedgerGrantAccess.CONTRACT, { requestId: a().requestId!, operator: 'reviewer-b' }, { userId: 'admin-b', roles: ['institution-admin'], organisationId: b().memberId }),
    ).rejects.toMatchObject({ code: LedgerChaincodeErrorCode.AccessNotOwner });

    for (const i of institutions) {
      const granted = await api.post<{ status: string } & Committed>(`/api/v1/access-requests/${i.requestId!}/grant`, { reason: 'Approved by the data access committee' }, i.admin);
      expect(granted.status).toBe(200);
      expect(granted.body.status).toBe('granted');
      record(i.datasetId!, granted.body);
    }
    const adapter = FabricLedgerAdapter.open({ profile: loadConnectionProfile(network!.connectionFile) });
    try {
      for (const i of institutions) {
        const grant = answers.get(i.datasetId!)?.at(-1);
        const tx = await adapter.findTransaction(grant?.txId ?? '');
        expect(tx).toMatchObject({ validationCode: 'VALID', creatorMspId: i.mspId });
        expectOwnerAndMajority(tx.endorserMspIds, i.mspId);
      }
    } finally {
      await adapter.close();
    }
  });

  it('runs an analysis over both sites: the pooled numbers are the direct ones, and the analysis is on-chain', async () => {
    const analysis = await api.post<{ analysisId: string; status: string; resultHash: string; datasets: { datasetId: string; status: string }[]; columns: { name: string; count?: number; mean?: number }[] } & Committed>(
      '/api/v1/analyses',
      { datasets: institutions.map((i) => i.datasetId), columns: ['sbp'], statistics: ['count', 'mean', 'sd'] },
      researcher,
    );
    expect(analysis.status).toBe(201);
    expect(analysis.body.status).toBe('complete');
    expect(analysis.body.datasets.map((d) => [d.datasetId, d.status])).toEqual(institutions.map((i) => [i.datasetId, 'used']));
    const all = institutions.flatMap((i) => i.sbp!);
    const sbp = analysis.body.columns.find((c) => c.name === 'sbp');
    expect(sbp?.count).toBe(all.length);
    expect(sbp?.mean).toBeCloseTo(all.reduce((s, v) => s + v, 0) / all.length, 9);
    for (const i of institutions) record(i.datasetId!, analysis.body);

    const tx = await api.get<{ blockNumber: number; validationCode: string }>(`/api/v1/ledger/transactions/${analysis.body.txId}`, researcher);
    expect(tx.status).toBe(200);
    expect(tx.body).toMatchObject({ blockNumber: analysis.body.blockNumber, validationCode: 'VALID' });
  });

  it('reads every operation from the provenance, with the transactions and blocks the answers carried', async () => {
    for (const i of institutions) {
      const provenance = await api.get<{ items: { operation: string; organisation: string; txId: string; blockNumber: number }[] }>(`/api/v1/provenance/datasets/${i.datasetId!}`, researcher);
      expect(provenance.status).toBe(200);
      // Newest first.
      const entries = [...provenance.body.items].reverse();
      expect(entries.map((e) => [e.operation, e.organisation])).toEqual([
        ['add', i.mspId],
        ['request', GOVERNOR_MSP],
        ['grant', i.mspId],
        ['analysis', GOVERNOR_MSP],
      ]);
      expect(entries.map((e) => ({ txId: e.txId, blockNumber: e.blockNumber }))).toEqual(answers.get(i.datasetId!));
    }
    const chain = await api.get<{ height: number }>('/api/v1/ledger/chain', researcher);
    expect(chain.status).toBe(200);
    const last = Math.max(...[...answers.values()].flat().map((c) => c.blockNumber));
    expect(chain.body.height).toBeGreaterThan(last);
  });

  it('an owner closes its dataset on-chain (its own peer endorses); the chaincode then refuses any request for it', async () => {
    const owner = b();
    const stance = (value: string) => api.call<{ stance: string } & Committed>('PUT', `/api/v1/market/datasets/${owner.datasetId!}/stance`, { token: owner.admin, body: { stance: value } });
    const closed = await stance('closed');
    expect([closed.status, closed.body.stance]).toEqual([200, 'closed']);
    const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const refused = await api.post<ErrorBody>('/api/v1/access-requests', { datasetId: owner.datasetId, purpose: 'p', columns: ['age'], statistics: ['count'], requestedExpiry: expiry }, researcher);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'ACCESS.DATASET_CLOSED']);
    // Past the authorization service, signed as A's organisation: Fabric's endorsement carries the chaincode's code.
    await expect(
      stack!.busRequest(
        LedgerRequestAccess.CONTRACT,
        { requestId: 'bypass-closed-1', datasetId: owner.datasetId!, requester: 'researcher-x', purpose: 'p', columns: ['age'], statistics: ['count'], requestedExpiry: expiry },
        { userId: 'admin-a', roles: ['institution-admin'], organisationId: a().memberId },
      ),
    ).rejects.toMatchObject({ code: LedgerChaincodeErrorCode.AccessDatasetClosed });
    const adapter = FabricLedgerAdapter.open({ profile: loadConnectionProfile(network!.connectionFile) });
    try {
      const tx = await adapter.findTransaction(closed.body.txId);
      expect(tx).toMatchObject({ validationCode: 'VALID', creatorMspId: owner.mspId });
      expectOwnerAndMajority(tx.endorserMspIds, owner.mspId);
    } finally {
      await adapter.close();
    }
    const reopened = await stance('open');
    expect([reopened.status, reopened.body.stance]).toEqual([200, 'open']);
  });

  it('has put every chain event of the flow on the bus exactly once, across the ledger service restart', async () => {
    const client = await LedgerClient.connect(stack!.nats.url);
    try {
      let expected: string[] = [];
      let stored: string[] = [];
      await eventually(
        async () => {
          expected = await chainEventIds(client);
          stored = (await client.storedLedgerEvents()).map((e) => e.msgId);
          return stored.length >= expected.length;
        },
        'every chain event on the stream',
        30_000,
      ).catch(() => undefined); // the assertions below say what differs
      expect(new Set(stored).size).toBe(stored.length);
      expect([...stored].sort()).toEqual([...expected].sort());
      for (const committed of [...answers.values()].flat()) expect(stored).toContain(`${committed.txId}:0`);
    } finally {
      await client.close();
    }
  });
});
