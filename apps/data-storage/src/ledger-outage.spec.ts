// Issue 13 at one site: a ledger outage delays the site's ledger writes, it never strands them. Real
// NATS, the real ledger service (killed with SIGKILL and started again on its data), a real site
// restarted on its own database in between; nobody calls `POST /datasets/:id/release`.
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { eventually } from '@phdmf/testing';
import { LedgerGetDataset, LedgerGetDatasetHistory } from '@phdmf/contracts';
import { LocalApi, World, type Site } from '../test-support/world';
import type { DatasetView } from './datasets/domain/dataset-view';

jest.setTimeout(120_000);

const csv = (seed: number) => `id,age,bmi\n${Array.from({ length: 12 }, (_, i) => `${i + 1},${20 + ((i * 7 + seed) % 50)},${(19 + ((i + seed) % 12)).toFixed(1)}`).join('\n')}\n`;

describe('a site while the ledger is away', () => {
  let world: World;
  let site: Site;
  let staff: LocalApi;
  let admin: LocalApi;

  beforeAll(async () => {
    world = await World.start();
    const member = await world.admit('hospital-o', 'node-o');
    // Short backoff: the test waits for the site's own retries.
    site = await world.startSite(member, { LEDGER_RETRY_MIN_MS: '50', LEDGER_RETRY_MAX_MS: '300' });
    staff = new LocalApi(site, await world.token({ userId: 'olga-o01', organisationId: 'hospital-o', roles: ['member'] }));
    admin = new LocalApi(site, await world.token({ userId: 'otto-o01', organisationId: 'hospital-o', roles: ['institution-admin'] }));
  }, 120_000);

  afterAll(async () => {
    await world.dispose();
  });

  const view = async (api: LocalApi, datasetId: string) => (await api.call('GET', `/datasets/${datasetId}`)).json as DatasetView;

  it('keeps every write it owes (a release, a deletion, a tamper finding) and makes it on its own once the ledger answers, across its own restart, each exactly once', async () => {
    const released = await staff.upload(csv(1));
    expect(released.status).toBe(201);
    const toDelete = (released.json as DatasetView).datasetId;
    const tamperedCsv = csv(3);
    const toTamper = ((await staff.upload(tamperedCsv)).json as DatasetView).datasetId;

    await world.killLedger();

    // An upload: stored, answered 202 and shown as waiting for the ledger — not failed.
    const upload = await staff.upload(csv(2), 'name=during%20the%20outage&fileName=outage.csv');
    expect(upload.status).toBe(202);
    const waiting = upload.json as DatasetView;
    expect(waiting).toMatchObject({ state: 'unreleased', ledgerStatus: 'pending', lastError: { code: 'MESSAGING.NO_RESPONDERS' } });
    expect(waiting.lastError?.message).toMatch(/waiting for the ledger/);
    expect(waiting.versions?.[0]?.release.state).toBe('pending');
    // A deletion: the dataset stays as it is until the ledger has recorded it.
    const deletion = await admin.call('DELETE', `/datasets/${toDelete}?description=withdrawn`);
    expect(deletion.status).toBe(202);
    expect(deletion.json).toMatchObject({ state: 'released', ledgerStatus: 'pending' });

    // A flipped byte found by the audit: marked at once here, its finding owed to the ledger.
    const sha = createHash('sha256').update(tamperedCsv).digest('hex');
    const file = path.join(site.config.storageDir, 'objects', sha.slice(0, 2), sha);
    chmodSync(file, 0o600);
    const bytes = readFileSync(file);
    bytes[20] = (bytes[20] ?? 0) ^ 0x01;
    writeFileSync(file, bytes);
    const audit = (await admin.call('POST', '/audit')).json as { mismatches: { datasetId: string; findingId?: string; findingError?: string }[] };
    const mismatch = audit.mismatches.find((m) => m.datasetId === toTamper);
    expect(mismatch?.findingId).toBeUndefined();
    expect(mismatch?.findingError).toMatch(/waiting for the ledger/);
    expect(await view(staff, toTamper)).toMatchObject({ tampered: true, ledgerStatus: 'pending' });

    // The site goes down and comes back while the ledger is still away: what it owes survives.
    site = await world.restartSite(site);
    staff = new LocalApi(site, staff.token);
    admin = new LocalApi(site, admin.token);
    expect((await view(staff, waiting.datasetId)).ledgerStatus).toBe('pending');

    await world.restartLedger();
    await eventually(
      async () => (await view(staff, waiting.datasetId)).state === 'released' && (await view(admin, toDelete)).state === 'deleted' && (await view(staff, toTamper)).ledgerStatus === 'committed',
      'the owed release, deletion and tamper finding to be committed',
      30_000,
    );

    const done = await view(staff, waiting.datasetId);
    expect(done).toMatchObject({ ledgerStatus: 'committed', releasedVersion: 1 });
    expect(done.lastError).toBeUndefined();
    expect(done.versions?.[0]?.release.state).toBe('committed');
    expect(await world.bus.request(LedgerGetDataset.CONTRACT, { datasetId: waiting.datasetId })).toMatchObject({ version: 1, sha256: done.versions?.[0]?.sha256, status: 'active' });
    expect((await world.bus.request(LedgerGetDataset.CONTRACT, { datasetId: toDelete })).status).toBe('deleted');
    // Each write once: one add for the upload, one add and one delete for the other.
    expect((await world.bus.request(LedgerGetDatasetHistory.CONTRACT, { datasetId: waiting.datasetId })).entries).toHaveLength(1);
    expect((await world.bus.request(LedgerGetDatasetHistory.CONTRACT, { datasetId: toDelete })).entries.map((e) => e.record.status)).toEqual(['active', 'deleted']);
    // The finding is on-chain, the one the site owed.
    const finding = (await view(staff, toTamper)).tamperFindingId;
    expect(finding).toEqual(expect.any(String));
    expect(await world.bus.request(LedgerGetDataset.CONTRACT, { datasetId: toTamper })).toMatchObject({ status: 'tampered', tamperFindingId: finding });
  });
});
