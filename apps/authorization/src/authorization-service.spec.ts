// The authorization service over real NATS with the real ledger service (embedded ledger): the
// market built from committed chain events, access decisions as ledger transactions signed by the
// acting organisation, object-level refusals by the service itself, idempotent event handling,
// and the catch-up that rebuilds everything for a service started after the events were gone.
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  AuthorizationDenyAccess,
  AuthorizationGetAccessRequest,
  AuthorizationGetMarketEntry,
  AuthorizationGrantAccess,
  AuthorizationListAccessRequests,
  AuthorizationRequestAccess,
  AuthorizationRevokeAccess,
  AuthorizationSearchMarket,
  AuthorizationSetStance,
  LedgerAccessRequested,
  LedgerGetAccessRequest,
  LedgerGetDataset,
  LedgerGetProvenance,
  LedgerGetTransaction,
  LedgerGrantAccess,
  LedgerRequestAccess,
  type AccessRequestView,
} from '@phdmf/contracts';
import { EVENT_STREAM, type ActorHeader } from '@phdmf/messaging';
import { eventually } from '@phdmf/testing';
import { ServiceWorld, staffOf } from '../test-support/service-world';
import { LedgerCatchUp } from './market/infrastructure/ledger-catch-up';

jest.setTimeout(120_000);

const researcher: ActorHeader = { userId: '6f1d0b6e-0c43-4a49-9d43-5b0f3f4f0a11', roles: ['researcher'] };
const otherResearcher: ActorHeader = { userId: '0d4a1f52-8a6e-4e0b-a5b1-3c0bdb6a9e20', roles: ['researcher'] };
const memberA = staffOf('hospital-a', ['member']);
const adminA = staffOf('hospital-a');
const adminB = staffOf('hospital-b');
const memberB = staffOf('hospital-b', ['member']);
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('authorization service (real NATS, real ledger)', () => {
  let world: ServiceWorld;
  let authz: INestApplication | undefined;
  const views: Record<string, AccessRequestView> = {};
  const released: Record<string, { txId: string; blockNumber: number }> = {};

  beforeAll(async () => {
    world = await ServiceWorld.start();
    await world.admit('hospital-a', 'Hospital A');
    await world.admit('hospital-b', 'Hospital B');
    authz = await world.startAuthorization();
  });

  afterAll(async () => {
    await authz?.close();
    await world.dispose();
  });

  const search = (p: AuthorizationSearchMarket.Payload, actor: ActorHeader = researcher) => world.bus.request(AuthorizationSearchMarket.CONTRACT, p, { actor });

  it('builds the market from committed chain events, with schema and types, owner names, tx ids and blocks', async () => {
    released.cardio = await world.release('hospital-a', 'ds-cardio', 'Cardiology cohort', [['age', 'numeric'], ['sex', 'categorical'], ['sbp', 'numeric'], ['visit', 'date']]);
    released.stroke = await world.release('hospital-b', 'ds-stroke', 'Stroke unit', [['age', 'numeric'], ['nihss', 'numeric']]);
    await eventually(async () => (await search({})).total === 2, 'both datasets in the market');
    const cardio = (await search({ q: 'cardiology' })).items[0];
    expect(cardio).toMatchObject({
      datasetId: 'ds-cardio',
      ownerMemberId: 'hospital-a',
      ownerName: 'Hospital A',
      columns: [{ name: 'age', type: 'numeric' }, { name: 'sex', type: 'categorical' }, { name: 'sbp', type: 'numeric' }, { name: 'visit', type: 'date' }],
      rowCount: 250,
      version: 1,
      status: 'active',
      stance: 'open',
      txId: released.cardio.txId,
      blockNumber: released.cardio.blockNumber,
      permission: { state: 'none' },
    });
    expect((await search({ institution: 'hospital-b' })).items.map((i) => i.datasetId)).toEqual(['ds-stroke']);
    expect((await search({ column: 'sbp' })).items.map((i) => i.datasetId)).toEqual(['ds-cardio']);
  });

  it('files a researcher\'s request on-chain (as the service, for the researcher) and shows it once committed', async () => {
    const view = await world.bus.request(AuthorizationRequestAccess.CONTRACT, { datasetId: 'ds-cardio', purpose: 'blood pressure by age', columns: ['age', 'sex', 'sbp'], statistics: ['count', 'mean', 'sd'], requestedExpiry: inDays(30) }, { actor: researcher });
    views.first = view;
    expect(view).toMatchObject({ status: 'pending', requester: researcher.userId, ownerMemberId: 'hospital-a', submittedByMspId: 'ConsortiumMSP' });
    const onChain = await world.bus.request(LedgerGetAccessRequest.CONTRACT, { requestId: view.requestId });
    expect(onChain).toMatchObject({ status: 'pending', requester: researcher.userId, txId: view.txId });
    expect((await world.bus.request(LedgerGetTransaction.CONTRACT, { txId: view.txId })).blockNumber).toBe(view.blockNumber);
    expect((await world.bus.request(AuthorizationGetMarketEntry.CONTRACT, { datasetId: 'ds-cardio' }, { actor: researcher })).permission).toMatchObject({ state: 'requested', requestId: view.requestId });
    expect((await world.bus.request(AuthorizationListAccessRequests.CONTRACT, { scope: 'incoming' }, { actor: memberA })).items.map((r) => r.requestId)).toEqual([view.requestId]);
    expect((await world.bus.request(AuthorizationListAccessRequests.CONTRACT, { scope: 'incoming' }, { actor: adminB })).items).toEqual([]);
  });

  it('refuses institution B acting on A\'s request in the service itself, and the chaincode refuses it too', async () => {
    const requestId = views.first!.requestId;
    await expect(world.bus.request(AuthorizationGrantAccess.CONTRACT, { requestId }, { actor: adminB })).rejects.toMatchObject({ code: 'ACCESS.FORBIDDEN' });
    await expect(world.bus.request(AuthorizationDenyAccess.CONTRACT, { requestId, reason: 'not ours' }, { actor: memberB })).rejects.toMatchObject({ code: 'ACCESS.FORBIDDEN' });
    await expect(world.bus.request(AuthorizationGetAccessRequest.CONTRACT, { requestId }, { actor: adminB })).rejects.toMatchObject({ code: 'ACCESS.FORBIDDEN' });
    await expect(world.bus.request(AuthorizationSetStance.CONTRACT, { datasetId: 'ds-cardio', stance: 'closed' }, { actor: adminB })).rejects.toMatchObject({ code: 'ACCESS.FORBIDDEN' });
    // Straight to the ledger with B's actor: the ledger signs as B's MSP and the chaincode refuses.
    await expect(world.bus.request(LedgerGrantAccess.CONTRACT, { requestId, operator: adminB.userId }, { actor: adminB })).rejects.toMatchObject({ code: 'ACCESS.NOT_OWNER' });
    expect((await world.bus.request(LedgerGetAccessRequest.CONTRACT, { requestId })).status).toBe('pending');
  });

  it('grants with narrowing, denies and revokes — each a transaction signed by A, each shown with its block', async () => {
    const expiresAt = inDays(10);
    // Narrowed to a statistic without what it is computed from: no analysis could use it, so it is
    // refused before anything is submitted.
    await expect(world.bus.request(AuthorizationGrantAccess.CONTRACT, { requestId: views.first!.requestId, statistics: ['mean'] }, { actor: memberA })).rejects.toMatchObject({
      code: 'ACCESS.SCOPE_INCOMPLETE',
      details: { missing: ['count'] },
    });
    await expect(world.bus.request(AuthorizationGrantAccess.CONTRACT, { requestId: views.first!.requestId, statistics: ['count', 'sd'] }, { actor: memberA })).rejects.toMatchObject({
      code: 'ACCESS.SCOPE_INCOMPLETE',
      details: { missing: ['mean'] },
    });
    expect((await world.bus.request(LedgerGetAccessRequest.CONTRACT, { requestId: views.first!.requestId })).status).toBe('pending');
    const granted = await world.bus.request(AuthorizationGrantAccess.CONTRACT, { requestId: views.first!.requestId, columns: ['age', 'sbp'], statistics: ['count', 'mean'], expiresAt, reason: 'sex withheld', followsUpdates: true }, { actor: memberA });
    // The owner's choice that the grant covers later versions travels to the ledger.
    expect(granted).toMatchObject({ status: 'granted', grant: { columns: ['age', 'sbp'], statistics: ['count', 'mean'], operator: memberA.userId, followsUpdates: true } });
    expect((await world.bus.request(LedgerGetTransaction.CONTRACT, { txId: granted.txId })).blockNumber).toBe(granted.blockNumber);
    expect((await world.bus.request(LedgerGetAccessRequest.CONTRACT, { requestId: granted.requestId })).grant?.columns).toEqual(['age', 'sbp']);
    const entry = await world.bus.request(AuthorizationGetMarketEntry.CONTRACT, { datasetId: 'ds-cardio' }, { actor: researcher });
    expect(entry.permission).toMatchObject({ state: 'granted', columns: ['age', 'sbp'], statistics: ['count', 'mean'] });
    expect((await world.bus.request(AuthorizationGetMarketEntry.CONTRACT, { datasetId: 'ds-cardio' }, { actor: otherResearcher })).permission).toEqual({ state: 'none' });

    // Asked for the SD alone: the request carries what an analysis needs for it (count and mean), so
    // what the owner sees and grants is what will be used.
    const second = await world.bus.request(AuthorizationRequestAccess.CONTRACT, { datasetId: 'ds-cardio', purpose: 'stroke risk', columns: ['age'], statistics: ['sd'], requestedExpiry: inDays(5) }, { actor: memberB });
    expect(second.requesterOrg).toBe('hospital-b');
    expect(second.statistics).toEqual(['count', 'mean', 'sd']);
    expect((await world.bus.request(LedgerGetAccessRequest.CONTRACT, { requestId: second.requestId })).statistics).toEqual(['count', 'mean', 'sd']);
    const denied = await world.bus.request(AuthorizationDenyAccess.CONTRACT, { requestId: second.requestId, reason: 'purpose outside consent' }, { actor: adminA });
    expect(denied).toMatchObject({ status: 'denied', denial: { reason: 'purpose outside consent' } });
    views.denied = denied;

    const revoked = await world.bus.request(AuthorizationRevokeAccess.CONTRACT, { requestId: granted.requestId, reason: 'consent withdrawn' }, { actor: adminA });
    expect(revoked).toMatchObject({ status: 'revoked', revocation: { reason: 'consent withdrawn' } });
    views.first = revoked;
    expect((await world.bus.request(AuthorizationGetMarketEntry.CONTRACT, { datasetId: 'ds-cardio' }, { actor: researcher })).permission).toMatchObject({ state: 'revoked', reason: 'consent withdrawn' });
  });

  it('records the owner\'s stance on-chain; a closed dataset is refused by the service and, bypassing it, by the chaincode', async () => {
    const closed = await world.bus.request(AuthorizationSetStance.CONTRACT, { datasetId: 'ds-stroke', stance: 'closed' }, { actor: adminB });
    expect(closed).toMatchObject({ datasetId: 'ds-stroke', stance: 'closed', version: 1 });
    const onChain = await world.bus.request(LedgerGetDataset.CONTRACT, { datasetId: 'ds-stroke' });
    expect(onChain).toMatchObject({ stance: 'closed', stanceSetBy: adminB.userId, txId: closed.txId });
    const provenance = (await world.bus.request(LedgerGetProvenance.CONTRACT, { datasetId: 'ds-stroke' })).entries;
    expect(provenance.at(-1)).toMatchObject({ operation: 'stance', description: 'closed to access requests', operator: adminB.userId, txId: closed.txId, blockNumber: closed.blockNumber });

    await expect(world.bus.request(AuthorizationRequestAccess.CONTRACT, { datasetId: 'ds-stroke', purpose: 'p', columns: ['age'], statistics: ['count'], requestedExpiry: inDays(5) }, { actor: researcher })).rejects.toMatchObject({
      code: 'ACCESS.DATASET_CLOSED',
    });
    const direct = { requestId: 'bypass-1', datasetId: 'ds-stroke', requester: researcher.userId, purpose: 'p', columns: ['age'], statistics: ['count' as const], requestedExpiry: inDays(5) };
    await expect(world.bus.request(LedgerRequestAccess.CONTRACT, direct, { actor: adminA })).rejects.toMatchObject({ code: 'ACCESS.DATASET_CLOSED' });
    expect((await search({ institution: 'hospital-b' })).items[0]?.stance).toBe('closed');
  });

  it('changes nothing when an old chain event arrives again under a new id', async () => {
    const old = views.first!;
    const { blockNumber: _b, ...record } = old;
    const stale = { ...record, status: 'pending', grant: undefined, revocation: undefined, txId: old.requestTxId };
    const payload = { txId: old.requestTxId, blockNumber: 1, txIndex: 0, eventIndex: 0, eventName: 'AccessRequested', record: stale };
    await world.nc.jetstream().publish(LedgerAccessRequested.SUBJECT, new TextEncoder().encode(JSON.stringify(payload)), { msgID: `replay-${old.requestTxId}` });
    // Events are handled in stream order: once a later release shows, the replay has been handled.
    await world.release('hospital-b', 'ds-sentinel', 'Sentinel', [['x', 'numeric']]);
    await eventually(async () => (await search({ q: 'sentinel' })).total === 1, 'the later release in the market');
    expect(await world.bus.request(AuthorizationGetAccessRequest.CONTRACT, { requestId: old.requestId }, { actor: researcher })).toMatchObject({ status: 'revoked', txId: old.txId });
  });

  it('a service started after the stream lost every event rebuilds the market and the requests from the ledger', async () => {
    await authz?.close();
    authz = undefined;
    const jsm = await world.nc.jetstreamManager();
    await jsm.streams.purge(EVENT_STREAM.name);
    expect((await jsm.streams.info(EVENT_STREAM.name)).state.messages).toBe(0);
    authz = await world.startAuthorization();
    const report = await authz.get(LedgerCatchUp).done;
    expect(report).toMatchObject({ members: 2, datasets: 3, requests: 2 });
    const page = await search({});
    expect(page.items.map((i) => i.datasetId).sort()).toEqual(['ds-cardio', 'ds-sentinel', 'ds-stroke']);
    expect(page.items.find((i) => i.datasetId === 'ds-cardio')).toMatchObject({ ownerName: 'Hospital A', txId: released.cardio!.txId, blockNumber: released.cardio!.blockNumber, permission: { state: 'revoked' } });
    const incoming = (await world.bus.request(AuthorizationListAccessRequests.CONTRACT, { scope: 'incoming' }, { actor: adminA })).items;
    expect(incoming.map((r) => [r.requestId, r.status, r.blockNumber]).sort()).toEqual(
      [views.first!, views.denied!].map((r) => [r.requestId, r.status, r.blockNumber]).sort(),
    );
    // The owner's stance is on-chain, so the rebuilt market keeps it.
    expect(page.items.find((i) => i.datasetId === 'ds-stroke')).toMatchObject({ stance: 'closed' });
  });

  it('files at most ACCESS_REQUESTS_PER_HOUR requests per researcher, counted from its database across a restart', async () => {
    await authz?.close();
    authz = undefined;
    const quotaDir = path.join(world.root, 'authorization-quota');
    const start = async () => {
      authz = await world.startAuthorization({ ACCESS_REQUESTS_PER_HOUR: '2', PHDMF_DATA_DIR: quotaDir });
      await authz.get(LedgerCatchUp).done;
    };
    await start();
    const hurried: ActorHeader = { userId: '3b1c2d4e-5f60-4718-89a0-b1c2d3e4f506', roles: ['researcher'] };
    const ask = () => world.bus.request(AuthorizationRequestAccess.CONTRACT, { datasetId: 'ds-sentinel', purpose: 'again and again', columns: ['x'], statistics: ['count'], requestedExpiry: inDays(30) }, { actor: hurried });
    await ask();
    await ask();
    const height = (await world.bus.request(LedgerGetProvenance.CONTRACT, { datasetId: 'ds-sentinel' })).entries.length;
    const refusal = { code: 'QUOTA.EXCEEDED', details: { what: 'access requests', limit: 2, windowSeconds: 3_600, retryAfterSeconds: expect.any(Number) as number } };
    await expect(ask()).rejects.toMatchObject(refusal);
    // Nothing reached the ledger, and a restart does not reset the count.
    expect((await world.bus.request(LedgerGetProvenance.CONTRACT, { datasetId: 'ds-sentinel' })).entries).toHaveLength(height);
    await (authz as INestApplication | undefined)?.close();
    await start();
    await expect(ask()).rejects.toMatchObject(refusal);
    // Another researcher is not held back by it.
    await expect(world.bus.request(AuthorizationRequestAccess.CONTRACT, { datasetId: 'ds-sentinel', purpose: 'once', columns: ['x'], statistics: ['count'], requestedExpiry: inDays(30) }, { actor: otherResearcher })).resolves.toMatchObject({ status: 'pending' });
  });

  it('answers a grant whose commit came after its answer was lost with the committed decision, not a timeout', async () => {
    await authz?.close();
    // The grant's answer is awaited 500 ms, and every read-back gives up after 300 ms while the ledger is frozen.
    authz = await world.startAuthorization({ LEDGER_COMMAND_TIMEOUT_MS: '500', NATS_REQUEST_TIMEOUT_MS: '300' });
    await authz.get(LedgerCatchUp).done;
    const patient: ActorHeader = { userId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', roles: ['researcher'] };
    const { requestId } = await world.bus.request(AuthorizationRequestAccess.CONTRACT, { datasetId: 'ds-sentinel', purpose: 'late commit', columns: ['x'], statistics: ['count'], requestedExpiry: inDays(30) }, { actor: patient });
    // The ledger freezes as the grant reaches it and commits it only after the service stopped waiting for the answer.
    const frozen = world.nc.subscribe(LedgerGrantAccess.SUBJECT, {
      max: 1,
      callback: () => {
        world.pauseLedger();
        setTimeout(() => { world.resumeLedger(); }, 2_000);
      },
    });
    try {
      const granted = await world.bus.request(AuthorizationGrantAccess.CONTRACT, { requestId }, { actor: adminB, timeoutMs: 30_000 });
      expect(granted).toMatchObject({ requestId, status: 'granted', grant: { operator: adminB.userId } });
      const onChain = await world.bus.request(LedgerGetAccessRequest.CONTRACT, { requestId });
      expect(onChain).toMatchObject({ status: 'granted', txId: granted.txId });
      expect((await world.bus.request(LedgerGetTransaction.CONTRACT, { txId: granted.txId })).blockNumber).toBe(granted.blockNumber);
    } finally {
      frozen.unsubscribe();
      world.resumeLedger();
    }
  });
});
