// Acceptance tests of the storage node (issue 5): real files, real NATS, the real ledger service
// over the embedded ledger, the node's real local HTTP API and its real NATS subjects.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { eventually } from '@phdmf/testing';
import { Metrics } from '@phdmf/observability';
import { Correlation } from '@phdmf/logging';
import { outgoingHeaders } from '@phdmf/messaging';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  LedgerGetDataset,
  LedgerGetDatasetHistory,
  LedgerGetMember,
  LedgerGetChainInfo,
  LedgerGetProvenance,
  nodeKeyId,
  type Page,
  StorageGetNodeInfo,
  StorageRunAudit,
  StorageSummarize,
  verifyNodeSignature,
  CommonErrorCode,
  LedgerChaincodeErrorCode,
  PhdmfError,
} from '@phdmf/contracts';
import { poolMoments, sampleVariance } from '@phdmf/statistics';
import { ADMIN, AUTHZ, LocalApi, staffActor, World, type Member, type Site } from '../test-support/world';
import type { DatasetView } from './datasets/domain/dataset-view';
import { SummaryEngine } from './datasets/infrastructure/engine/summary-engine';
import { LedgerClient } from './datasets/infrastructure/ledger/ledger-client';
import { LedgerIntentWorker } from './datasets/infrastructure/ledger-intent-worker';
import { DatasetRepository } from './datasets/infrastructure/persistence/dataset.repository';
import { LedgerIntentRepository } from './datasets/infrastructure/persistence/ledger-intent.repository';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Every file under a directory (recursively). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function patientsCsv(rows: number, seed = 1): string {
  const lines = ['id,age,sex,visit,bmi,rare'];
  for (let i = 0; i < rows; i++) {
    const age = 20 + ((i * 37 + seed * 11) % 60);
    const bmi = (18 + ((i * 7919 + seed) % 170) / 10).toFixed(1);
    // `rare` has only two values: below the threshold of 3, it must be suppressed.
    lines.push(`${i + 1},${i % 10 === 9 ? '' : age},${i % 2 ? 'F' : 'M'},2024-0${1 + (i % 9)}-1${i % 10},${bmi},${i < 2 ? i + 100 : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('storage node', () => {
  let world: World;
  let orgA: Member;
  let orgB: Member;
  let site: Site;
  let siteB: Site;
  let staff: LocalApi;
  let admin: LocalApi;

  beforeAll(async () => {
    world = await World.start();
    orgA = await world.admit('hospital-a', 'node-a');
    orgB = await world.admit('hospital-b', 'node-b');
    site = await world.startSite(orgA);
    // Hospital B's node has a small upload limit, for the size test.
    siteB = await world.startSite(orgB, { UPLOAD_MAX_BYTES: '4096' });
    staff = new LocalApi(site, await world.token({ userId: 'alice-7f3', organisationId: 'hospital-a', roles: ['member'] }));
    admin = new LocalApi(site, await world.token({ userId: 'carol-a01', organisationId: 'hospital-a', roles: ['institution-admin'] }));
  }, 120_000);

  afterAll(async () => {
    await world.dispose();
  });

  const objectsDir = () => path.join(site.config.storageDir, 'objects');
  const tmpDir = () => path.join(site.config.storageDir, 'tmp');

  async function release(csv: string, api = staff): Promise<DatasetView> {
    const res = await api.upload(csv);
    expect(res.status).toBe(201);
    return res.json as DatasetView;
  }

  /**
   * A committed release owed again, as if the node had stopped after sending the transaction and before
   * storing the answer: the version is pending and its release still owed (the intent and the row commit together).
   */
  async function oweReleaseAgain(datasetId: string): Promise<void> {
    await site.app.get(DatasetRepository).update(datasetId, (_d, versions, em) => {
      const v = versions[0];
      if (v) {
        v.releaseState = 'pending';
        v.txId = null;
      }
      site.app.get(LedgerIntentRepository).add(em, { kind: 'release', datasetId, version: 1, actor: staffActor('hospital-a') });
    });
  }

  describe('release on the ledger', () => {
    it('takes the owner\'s own histogram grid for a column instead of the default, and refuses one that is not a grid', async () => {
      const csv = patientsCsv(40, 11);
      const res = await staff.upload(csv, 'name=declared&fileName=declared.csv&grid=bmi:10:60:5&grid=age:0:120:10');
      expect(res.status).toBe(201);
      const view = res.json as DatasetView;
      const columns = view.versions?.[0]?.columns ?? [];
      expect(columns.find((c) => c.name === 'bmi')?.grid).toEqual({ lower: 10, upper: 60, binWidth: 5 });
      expect(columns.find((c) => c.name === 'age')?.grid).toEqual({ lower: 0, upper: 120, binWidth: 10 });
      expect(columns.find((c) => c.name === 'id')?.grid).toEqual(expect.objectContaining({ binWidth: expect.any(Number) }));
      const onChain = await world.bus.request(LedgerGetDataset.CONTRACT, { datasetId: view.datasetId });
      expect(onChain.columnGrids).toContainEqual({ column: 'bmi', lower: 10, upper: 60, binWidth: 5 });
      for (const grid of ['sex:0:1:1', 'bmi:60:10:5', 'bmi:0:100:0.001', 'bmi:10:60', 'bmi:a:60:5']) {
        const refused = await staff.upload(csv, `name=bad&fileName=bad.csv&grid=${encodeURIComponent(grid)}`);
        // The code, whether the local API answers `{ code }` or the documented `{ error: { code } }`.
        const body = refused.json as { code?: string; error?: { code: string } };
        expect([grid, refused.status, body.error?.code ?? body.code]).toEqual([grid, 400, 'STORAGE.REQUEST_INVALID']);
      }
      // Names by the platform's one text rule (the chaincode's): no tab or line break in a single-line
      // name (a description may hold line breaks).
      for (const query of ['name=a%09b&fileName=x.csv', 'name=ok&fileName=a%0Ab.csv']) {
        const refused = await staff.upload(csv, query);
        const body = refused.json as { code?: string; error?: { code: string } };
        expect([query, refused.status, body.error?.code ?? body.code]).toEqual([query, 400, 'STORAGE.REQUEST_INVALID']);
      }
      expect(filesUnder(tmpDir())).toEqual([]);
    });

    it('upload → committed on the ledger → released, content-addressed by its SHA-256', async () => {
      const csv = patientsCsv(50);
      const view = await release(csv);
      expect(view.state).toBe('released');
      expect(view.releasedVersion).toBe(1);
      const v1 = view.versions?.[0];
      expect(v1?.release.state).toBe('committed');
      expect(v1?.release.txId).toEqual(expect.any(String));
      expect(v1?.sha256).toBe(sha256(csv));
      expect(v1?.rowCount).toBe(50);
      // Each numeric column with its default histogram grid: the data's range in 10 bins of a 1-2-5 width, rounded out.
      const grid = (lower: number, upper: number, binWidth: number) => ({ grid: { lower, upper, binWidth } });
      expect(v1?.columns).toEqual([
        { name: 'id', type: 'numeric', integer: true, ...grid(0, 50, 5) },
        { name: 'age', type: 'numeric', integer: true, ...grid(20, 80, 10) },
        { name: 'sex', type: 'categorical' },
        { name: 'visit', type: 'date' },
        { name: 'bmi', type: 'numeric', ...grid(18, 36, 2) },
        { name: 'rare', type: 'numeric', integer: true, ...grid(100, 101, 0.1) },
      ]);
      const onChain = await world.bus.request(LedgerGetDataset.CONTRACT, { datasetId: view.datasetId });
      // The declaration is on-chain with the schema: what the sites answer histograms on.
      expect(onChain.columnGrids).toEqual(v1?.columns.flatMap((c) => (c.grid ? [{ column: c.name, ...c.grid }] : [])));
      expect(onChain).toMatchObject({ sha256: sha256(csv), version: 1, rowCount: 50, columnCount: 6, ownerMemberId: 'hospital-a', status: 'active', operator: 'alice-7f3' });
      const stored = path.join(objectsDir(), sha256(csv).slice(0, 2), sha256(csv));
      expect(readFileSync(stored, 'utf8')).toBe(csv);
      expect(filesUnder(tmpDir())).toEqual([]);
      // The list shows it with its state.
      const list = ((await staff.call('GET', '/datasets')).json as Page<DatasetView>).items;
      expect(list.find((d) => d.datasetId === view.datasetId)?.state).toBe('released');
    });

    it('an update is a new committed version and keeps the history (on-chain and downloadable)', async () => {
      const v1 = patientsCsv(20, 1);
      const v2 = patientsCsv(30, 2);
      const first = await release(v1);
      const res = await staff.call('POST', `/datasets/${first.datasetId}/versions?fileName=v2.csv&description=more%20patients`, v2);
      expect(res.status).toBe(201);
      const second = res.json as DatasetView;
      expect(second.releasedVersion).toBe(2);
      expect(second.versions?.map((v) => [v.version, v.release.state, v.sha256])).toEqual([
        [1, 'committed', sha256(v1)],
        [2, 'committed', sha256(v2)],
      ]);
      const history = await world.bus.request(LedgerGetDatasetHistory.CONTRACT, { datasetId: first.datasetId });
      expect(history.entries.map((e) => [e.record.version, e.record.sha256])).toEqual([
        [1, sha256(v1)],
        [2, sha256(v2)],
      ]);
      expect((await staff.call('GET', `/datasets/${first.datasetId}/download?version=1`)).text).toBe(v1);
      const latest = await staff.call('GET', `/datasets/${first.datasetId}/download`);
      expect(latest.text).toBe(v2);
      expect(latest.headers.get('repr-digest')).toBe(`sha-256=:${Buffer.from(sha256(v2), 'hex').toString('base64')}:`);
    });

    it('delete is recorded on the ledger and removes the files; only an institution admin may delete', async () => {
      const csv = patientsCsv(12, 9);
      const view = await release(csv);
      expect((await staff.call('DELETE', `/datasets/${view.datasetId}`)).status).toBe(403);
      const res = await admin.call('DELETE', `/datasets/${view.datasetId}?description=withdrawn`);
      expect(res.status).toBe(200);
      expect((res.json as DatasetView).state).toBe('deleted');
      expect(existsSync(path.join(objectsDir(), sha256(csv).slice(0, 2), sha256(csv)))).toBe(false);
      expect((await world.bus.request(LedgerGetDataset.CONTRACT, { datasetId: view.datasetId })).status).toBe('deleted');
      const provenance = await world.bus.request(LedgerGetProvenance.CONTRACT, { datasetId: view.datasetId });
      expect(provenance.entries.map((e) => e.operation)).toEqual(['add', 'delete']);
      expect(provenance.entries[1]?.operator).toBe('carol-a01');
      expect((await staff.call('GET', `/datasets/${view.datasetId}/download`)).status).toBe(404);
    });

    it('lists its datasets a page at a time, newest first, in the edge\'s envelope ({ items, nextCursor, total })', async () => {
      await release(patientsCsv(10, 301));
      await release(patientsCsv(10, 302));
      const withdrawn = await release(patientsCsv(10, 303));
      expect((await admin.call('DELETE', `/datasets/${withdrawn.datasetId}?description=withdrawn`)).status).toBe(200);
      const page = async (query: string): Promise<Page<DatasetView>> => {
        const res = await staff.call('GET', `/datasets${query}`);
        expect(res.status).toBe(200);
        return res.json as Page<DatasetView>;
      };
      const whole = await page('?limit=200');
      expect(whole.nextCursor).toBeNull();
      expect(whole.total).toBe(whole.items.length);
      expect(whole.total).toBeGreaterThanOrEqual(2);
      const created = whole.items.map((d) => Date.parse(d.createdAt));
      expect(created).toEqual([...created].sort((a, b) => b - a));
      // Page by page, one at a time: every dataset once, in the same order, each page counting them all.
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const next: Page<DatasetView> = await page(`?limit=1${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
        expect(next.items).toHaveLength(1);
        expect(next.total).toBe(whole.total);
        walked.push(...next.items.map((d) => d.datasetId));
        cursor = next.nextCursor;
      } while (cursor !== null);
      expect(walked).toEqual(whole.items.map((d) => d.datasetId));
      // Deleted ones only on request, counted as such.
      const withDeleted = await page('?includeDeleted=true&limit=200');
      expect(withDeleted.total).toBeGreaterThan(whole.total);
      expect(walked).not.toContain(withdrawn.datasetId);
      expect(withDeleted.items.map((d) => d.datasetId)).toContain(withdrawn.datasetId);
      expect(withDeleted.items.filter((d) => d.state !== 'deleted').map((d) => d.datasetId)).toEqual(walked);
      // A cursor is bound to its filters, and a forged one is refused, as at the edge.
      const first = await page('?limit=1');
      const other = await staff.call('GET', `/datasets?includeDeleted=true&cursor=${encodeURIComponent(first.nextCursor ?? '')}`);
      expect(other.status).toBe(400);
      expect(other.json).toMatchObject({ error: { code: 'PAGINATION.CURSOR_INVALID' } });
      expect((await staff.call('GET', '/datasets?cursor=bm90LWEtY3Vyc29y')).json).toMatchObject({ error: { code: 'PAGINATION.CURSOR_INVALID' } });
      for (const bad of ['limit=0', 'limit=201', 'limit=1e1', 'limit=abc', 'includeDeleted=yes', 'sort=name']) {
        const res = await staff.call('GET', `/datasets?${bad}`);
        expect([bad, res.status, (res.json as { error: { code: string } }).error.code]).toEqual([bad, 400, 'VALIDATION.FAILED']);
      }
    });

    it('two datasets with the same bytes share one file; deleting one keeps it for the other', async () => {
      const csv = patientsCsv(15, 61);
      const first = await release(csv);
      const second = await release(csv);
      const file = path.join(objectsDir(), sha256(csv).slice(0, 2), sha256(csv));
      expect((await admin.call('DELETE', `/datasets/${first.datasetId}`)).status).toBe(200);
      expect(existsSync(file)).toBe(true);
      expect((await staff.call('GET', `/datasets/${second.datasetId}/download`)).text).toBe(csv);
      expect((await admin.call('DELETE', `/datasets/${second.datasetId}`)).status).toBe(200);
      expect(existsSync(file)).toBe(false);
    });

    it('a failed commit leaves the dataset stored but unreleased, with the reason shown; a retry releases it', async () => {
      const lateMember: Member = { ...(await memberKeyOnly(world, 'clinic-c', 'node-c')) };
      const siteC = await world.startSite(lateMember);
      const apiC = new LocalApi(siteC, await world.token({ userId: 'dave-c01', organisationId: 'clinic-c', roles: ['institution-admin'] }));
      const res = await apiC.upload(patientsCsv(10));
      expect(res.status).toBe(202);
      const view = res.json as DatasetView;
      expect(view.state).toBe('unreleased');
      // The node is nobody's yet (its institution is not admitted): the ledger signs nothing on its subject.
      expect(view.lastError?.code).toBe('LEDGER.NODE_MISMATCH');
      expect(view.versions?.[0]?.release).toMatchObject({ state: 'failed', errorCode: 'LEDGER.NODE_MISMATCH' });
      const listed = ((await apiC.call('GET', '/datasets')).json as Page<DatasetView>).items[0];
      expect(listed?.lastError?.message).toMatch(/not released/);
      await expect(world.bus.request(LedgerGetDataset.CONTRACT, { datasetId: view.datasetId })).rejects.toMatchObject({ code: 'DATASET.NOT_FOUND' });

      await world.admit('clinic-c', 'node-c');
      const retried = await apiC.call('POST', `/datasets/${view.datasetId}/release`);
      expect(retried.status).toBe(200);
      expect((retried.json as DatasetView).state).toBe('released');
      expect((retried.json as DatasetView).lastError).toBeUndefined();
    });
    it('a release whose answer was lost is settled by asking the ledger first: committed once, never written twice', async () => {
      const committed = await release(patientsCsv(8, 21));
      await oweReleaseAgain(committed.datasetId);
      expect(((await staff.call('GET', `/datasets/${committed.datasetId}`)).json as DatasetView).ledgerStatus).toBe('pending');
      // The worker's round (it also runs by itself in the background: either settles it).
      await site.app.get(LedgerIntentWorker).round();
      const settled = (await staff.call('GET', `/datasets/${committed.datasetId}`)).json as DatasetView;
      expect(settled.ledgerStatus).toBe('committed');
      expect(settled.versions?.[0]?.release).toMatchObject({ state: 'committed', txId: committed.versions?.[0]?.release.txId });
      const history = await world.bus.request(LedgerGetDatasetHistory.CONTRACT, { datasetId: committed.datasetId });
      expect(history.entries.map((e) => e.record.version)).toEqual([1]);
    });

    it('a write whose answer is lost holds up only its own dataset: the round settles the other owed releases meanwhile', async () => {
      const [stuck, other] = [await release(patientsCsv(8, 23)), await release(patientsCsv(8, 24))];
      // Both owed again, the stuck one first (a round takes the longest waiting first).
      await oweReleaseAgain(stuck.datasetId);
      await oweReleaseAgain(other.datasetId);
      // The stuck dataset's request goes unanswered until its timeout, as one the ledger took and then
      // died on does; what the other shows by then is recorded.
      const ledger = site.app.get(LedgerClient);
      const ask = ledger.getDataset.bind(ledger);
      let otherWhenStuckTimedOut: string | undefined;
      const lost = jest.spyOn(ledger, 'getDataset').mockImplementation(async (datasetId: string) => {
        if (datasetId !== stuck.datasetId) return ask(datasetId);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        otherWhenStuckTimedOut = ((await staff.call('GET', `/datasets/${other.datasetId}`)).json as DatasetView).ledgerStatus;
        throw new PhdmfError(CommonErrorCode.TIMEOUT, 'no answer (lost)');
      });
      try {
        expect(await site.app.get(LedgerIntentWorker).round()).toBe('waiting');
      } finally {
        lost.mockRestore();
      }
      expect(otherWhenStuckTimedOut).toBe('committed');
      // The next round (or the worker's own, in the background) settles the stuck one too.
      expect(['settled', 'idle']).toContain(await site.app.get(LedgerIntentWorker).round());
      expect(((await staff.call('GET', `/datasets/${stuck.datasetId}`)).json as DatasetView).ledgerStatus).toBe('committed');
    });

    it('a release refused as "already exists" because its own earlier attempt committed after the check is settled as committed, not failed', async () => {
      const committed = await release(patientsCsv(8, 22));
      await oweReleaseAgain(committed.datasetId);
      // The site's check reads the chain before the earlier attempt's commit lands (the site had stopped
      // waiting for that attempt's answer): it sends the add again, and the ledger refuses it.
      const ledger = site.app.get(LedgerClient);
      const readBeforeTheCommit = jest.spyOn(ledger, 'getDataset').mockRejectedValueOnce(new PhdmfError(LedgerChaincodeErrorCode.DatasetNotFound, 'not yet'));
      try {
        await site.app.get(LedgerIntentWorker).round();
      } finally {
        readBeforeTheCommit.mockRestore();
      }
      const settled = (await staff.call('GET', `/datasets/${committed.datasetId}`)).json as DatasetView;
      expect(settled.versions?.[0]?.release).toMatchObject({ state: 'committed', txId: committed.versions?.[0]?.release.txId });
      expect(settled.lastError).toBeUndefined();
      const history = await world.bus.request(LedgerGetDatasetHistory.CONTRACT, { datasetId: committed.datasetId });
      expect(history.entries.map((e) => e.record.version)).toEqual([1]);
    });
  });

  describe('the local API is for this organisation only', () => {
    it('refuses a user of another organisation, a researcher, and a missing or forged token', async () => {
      const view = await release(patientsCsv(10, 3));
      const other = new LocalApi(site, await world.token({ userId: 'bob-b01', organisationId: 'hospital-b', roles: ['institution-admin'] }));
      const download = await other.call('GET', `/datasets/${view.datasetId}/download`);
      expect(download.status).toBe(403);
      expect(download.json).toMatchObject({ error: { code: 'ACCESS.FORBIDDEN' } });
      expect(download.text).not.toContain('2024-0');
      expect((await other.call('GET', '/datasets')).status).toBe(403);
      const researcher = new LocalApi(site, await world.token({ userId: 'res-1', roles: ['researcher'] }));
      expect((await researcher.call('GET', `/datasets/${view.datasetId}/download`)).status).toBe(403);
      expect((await new LocalApi(site, '').call('GET', '/datasets')).status).toBe(401);
      const forged = (await world.token({ userId: 'alice-7f3', organisationId: 'hospital-a', roles: ['member'] })).replace(/.$/, 'A');
      expect((await new LocalApi(site, `${forged}x`).call('GET', '/datasets')).status).toBe(401);
    });
  });

  describe('malformed uploads are refused and leave nothing behind', () => {
    const cases: [string, string | Buffer, RegExp][] = [
      ['ragged rows', 'a,b\n1,2\n3,4,5\n', /^line 3: expected 2 fields/],
      ['no header', '1,2\n3,4\n', /^line 1: no header/],
      ['binary garbage', Buffer.concat([Buffer.from('a,b\n1,2\n'), Buffer.from([0x00, 0xff, 0x13, 0x37, 0x89])]), /^line 3: .*binary/],
      ['an empty file', '', /the file is empty/],
      ['invalid UTF-8', Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xc3, 0x28, 0x2c, 0x31, 0x0a]), /^line 2: the file is not UTF-8/],
    ];

    it.each(cases)('%s', async (_name, body, message) => {
      const before = ((await admin.call('GET', '/datasets?includeDeleted=true')).json as Page<DatasetView>).total;
      const objectsBefore = filesUnder(objectsDir()).length;
      const res = await staff.upload(body);
      expect(res.status).toBe(422);
      expect(res.json).toMatchObject({ error: { code: 'STORAGE.CSV_INVALID', message: expect.stringMatching(message) } });
      expect(filesUnder(tmpDir())).toEqual([]);
      expect(filesUnder(objectsDir()).length).toBe(objectsBefore);
      expect(((await admin.call('GET', '/datasets?includeDeleted=true')).json as Page<DatasetView>).total).toBe(before);
    });

    it('over the size limit, whether declared or streamed without a length', async () => {
      const api = new LocalApi(siteB, await world.token({ userId: 'bob-b01', organisationId: 'hospital-b', roles: ['member'] }));
      const countBefore = ((await api.call('GET', '/datasets')).json as Page<DatasetView>).total;
      const objectsBeforeB = filesUnder(path.join(siteB.config.storageDir, 'objects')).length;
      const big = patientsCsv(400);
      expect(Buffer.byteLength(big)).toBeGreaterThan(4096);
      const declared = await api.upload(big);
      expect(declared.status).toBe(413);
      expect(declared.json).toEqual({ error: { code: 'STORAGE.TOO_LARGE', message: "the upload is larger than this node's limit of 4096 bytes", details: { limitBytes: 4096 } } });
      // Chunked: no Content-Length, so only the streaming count can stop it.
      const bytes = Buffer.from(big);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.subarray(i, i + 1000));
          controller.close();
        },
      });
      const streamed = await fetch(`${siteB.baseUrl}/datasets?name=big`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'text/csv' },
        body: stream,
        duplex: 'half',
      });
      expect(streamed.status).toBe(413);
      expect(await streamed.json()).toMatchObject({ error: { code: 'STORAGE.TOO_LARGE' } });
      expect(filesUnder(path.join(siteB.config.storageDir, 'tmp'))).toEqual([]);
      expect(filesUnder(path.join(siteB.config.storageDir, 'objects')).length).toBe(objectsBeforeB);
      expect(((await api.call('GET', '/datasets')).json as Page<DatasetView>).total).toBe(countBefore);
    });

    it('a client that goes away mid-upload leaves nothing behind', async () => {
      const before = ((await admin.call('GET', '/datasets?includeDeleted=true')).json as Page<DatasetView>).total;
      const objectsBefore = filesUnder(objectsDir()).length;
      const req = http.request(`${site.baseUrl}/datasets?name=cut`, {
        method: 'POST',
        headers: { authorization: `Bearer ${staff.token}`, 'content-type': 'text/csv', 'content-length': String(50 * 1024 * 1024) },
      });
      req.on('error', () => undefined);
      req.write(`id,value\n${'1,2\n'.repeat(1_500_000)}`);
      await eventually(() => filesUnder(tmpDir()).length === 1, 'the upload is being written');
      req.destroy();
      await eventually(() => filesUnder(tmpDir()).length === 0, 'the partial file is removed');
      expect(filesUnder(objectsDir()).length).toBe(objectsBefore);
      expect(((await admin.call('GET', '/datasets?includeDeleted=true')).json as Page<DatasetView>).total).toBe(before);
    });

    it('refuses a body that is not declared as CSV', async () => {
      const res = await staff.call('POST', '/datasets?name=x', 'a,b\n1,2\n', 'application/octet-stream');
      expect(res.status).toBe(415);
    });
  });

  describe('every error answers { error: { code, message, details? } }, and echoes nothing it was sent', () => {
    it('an upload declared as JSON is refused unread (no framework parses it and quotes it back)', async () => {
      for (const body of ['{"name": "Jane-Roe-1957", ', '{"name": "Jane-Roe-1957"}']) {
        const res = await staff.call('POST', '/datasets?name=x', body, 'application/json');
        expect(res.status).toBe(415);
        expect(res.json).toEqual({ error: { code: 'STORAGE.UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('text/csv') } });
        expect(res.text).not.toContain('Jane-Roe');
      }
      expect(filesUnder(tmpDir())).toEqual([]);
    });

    it('an unknown route, with or without a token', async () => {
      for (const api of [staff, new LocalApi(site, '')]) {
        const res = await api.call('GET', '/no-such-route/Jane-Roe-1957');
        expect(res.status).toBe(404);
        expect(res.json).toEqual({ error: { code: 'HTTP.NOT_FOUND', message: 'No such endpoint' } });
      }
      expect((await new LocalApi(site, '').call('GET', '/datasets')).json).toMatchObject({ error: { code: 'AUTH.TOKEN_INVALID' } });
    });

    it('headers larger than Node reads: 431, answered before any route', async () => {
      const answer = await new Promise<{ status: number; body: string; type: string | undefined }>((resolve, reject) => {
        const req = http.request(`${site.baseUrl}/datasets`, { headers: { authorization: `Bearer ${staff.token}`, 'x-padding': 'a'.repeat(64 * 1024) } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            body += d;
          });
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] });
          });
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer.status).toBe(431);
      expect(answer.type).toMatch(/^application\/json/);
      expect(JSON.parse(answer.body)).toEqual({ error: { code: 'HTTP.HEADERS_TOO_LARGE', message: 'Request headers too large' } });
    });
  });

  describe('summaries on the node subject', () => {
    const requester = 'researcher-51';
    const summarize = (p: Partial<StorageSummarize.Payload> & { datasetId: string }) =>
      world.bus.request(
        StorageSummarize.contractFor('node-a'),
        { analysisId: `an-${Date.now()}`, requester, columns: ['age'], statistics: ['count', 'mean'], ...p },
        { actor: AUTHZ },
      );

    it('computes per-column summaries that match DuckDB on the same file, suppresses small columns, and signs them', async () => {
      const csv = patientsCsv(200, 5);
      const view = await release(csv);
      const statistics = ['count', 'missing', 'sum', 'mean', 'variance', 'sd', 'min', 'max', 'quantiles', 'histogram'] as const;
      await world.grant({ datasetId: view.datasetId, owner: 'hospital-a', requester, columns: ['age', 'bmi', 'sex', 'rare'], statistics: [...statistics] });
      const result = await summarize({
        datasetId: view.datasetId,
        columns: ['age', 'bmi', 'sex', 'rare'],
        statistics: [...statistics],
        probabilities: [0.01, 0.25, 0.5, 0.75],
        // 25 is off bmi's declared grid (width 2 from 18): rounded to 26.
        histograms: [{ column: 'bmi', edges: [18, 20, 25, 30, 34] }],
      });
      const [age, bmi, sex, rare] = result.body.columns;

      const file = path.join(site.config.storageDir, 'objects', sha256(csv).slice(0, 2), sha256(csv));
      const duck = await DuckDBInstance.create(':memory:');
      const conn = await duck.connect();
      const direct = (await conn.runAndReadAll(
        `SELECT count(age)::DOUBLE, sum(age), avg(age), var_samp(age), quantile_cont(age, [0.25, 0.5, 0.75]), min(age), max(age),
                count(bmi)::DOUBLE, avg(bmi), var_samp(bmi), count(*) FILTER (WHERE bmi >= 20 AND bmi < 26)::DOUBLE, count(sex)::DOUBLE
         FROM read_csv('${file}', header = true)`,
      )).getRowsJson()[0] as unknown[];
      conn.closeSync();
      duck.closeSync();
      const close = (a: number | undefined, b: unknown) => {
        expect(Math.abs((a ?? NaN) - Number(b))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(Number(b))));
      };

      expect(age).toMatchObject({ name: 'age', type: 'numeric', count: Number(direct[0]), missing: 20 });
      close(age?.sum, direct[1]);
      close(age?.mean, direct[2]);
      close(age?.variance, direct[3]);
      close(age?.m2, Number(direct[3]) * (Number(direct[0]) - 1));
      close(age?.sd, Math.sqrt(Number(direct[3])));
      expect(age?.quantiles?.map((q) => q.p)).toEqual([0.25, 0.5, 0.75]);
      (direct[4] as number[]).forEach((v, i) => {
        close(age?.quantiles?.[i]?.value, v);
      });
      expect(age?.withheld?.quantiles?.code).toBe('DISCLOSURE.QUANTILE_OUTSIDE_BAND');
      // min and max are perturbed outwards by default: bounds, never the exact extreme values.
      expect(age?.minMaxExact).toBe(false);
      expect(age?.min).toBeLessThan(Number(direct[5]));
      expect(age?.max).toBeGreaterThan(Number(direct[6]));
      expect(bmi?.count).toBe(Number(direct[7]));
      close(bmi?.mean, direct[8]);
      close(bmi?.variance, direct[9]);
      expect(bmi?.histogram?.edges).toEqual([18, 20, 26, 30, 34]);
      expect(bmi?.histogram?.counts[1]).toBe(Number(direct[10]));
      expect(sex).toMatchObject({ type: 'categorical', count: Number(direct[11]), missing: 0 });
      expect(sex?.mean).toBeUndefined();
      // Two values only: below the threshold of 3, nothing of the column is released.
      expect(rare).toEqual({ name: 'rare', type: 'numeric', suppressed: { code: 'DISCLOSURE.BELOW_THRESHOLD', reason: expect.any(String) } });

      // Signed with the node key registered on-chain.
      const member = await world.bus.request(LedgerGetMember.CONTRACT, { memberId: 'hospital-a' });
      expect(verifyNodeSignature(result.body, result.signature, member.nodePublicKey ?? '')).toBe(true);
      expect(verifyNodeSignature({ ...result.body, rowCount: 1 }, result.signature, member.nodePublicKey ?? '')).toBe(false);
      expect(result.body).toMatchObject({ nodeId: 'node-a', datasetId: view.datasetId, sha256: sha256(csv), datasetVersion: 1, requester, rowCount: 200 });
    });

    it('summaries of two sites pool exactly (count, mean, m2) to one computation over the concatenated files', async () => {
      const csvA = patientsCsv(90, 51);
      const csvB = patientsCsv(70, 52);
      const a = await release(csvA);
      const apiB = new LocalApi(siteB, await world.token({ userId: 'bob-b01', organisationId: 'hospital-b', roles: ['member'] }));
      const resB = await apiB.upload(csvB);
      expect(resB.status).toBe(201);
      const b = resB.json as DatasetView;
      const stats: ('count' | 'mean' | 'variance')[] = ['count', 'mean', 'variance'];
      await world.grant({ datasetId: a.datasetId, owner: 'hospital-a', requester, columns: ['bmi'], statistics: stats });
      await world.grant({ datasetId: b.datasetId, owner: 'hospital-b', requester, columns: ['bmi'], statistics: stats });
      const ask = (node: string, datasetId: string) =>
        world.bus.request(StorageSummarize.contractFor(node), { analysisId: 'an-pool', datasetId, requester, columns: ['bmi'], statistics: stats }, { actor: AUTHZ });
      const parts = [(await ask('node-a', a.datasetId)).body.columns[0], (await ask('node-b', b.datasetId)).body.columns[0]];
      const pooled = poolMoments(parts.map((c) => ({ count: c?.count ?? 0, mean: c?.mean ?? 0, m2: c?.m2 ?? 0, sum: (c?.count ?? 0) * (c?.mean ?? 0) })));

      const dir = path.join(world.root, `pool-${Date.now()}`);
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'a.csv'), csvA);
      writeFileSync(path.join(dir, 'b.csv'), csvB);
      const duck = await DuckDBInstance.create(':memory:');
      const conn = await duck.connect();
      const [row] = (await conn.runAndReadAll(`SELECT count(bmi)::DOUBLE, avg(bmi), var_samp(bmi) FROM read_csv(['${dir}/a.csv', '${dir}/b.csv'], header = true)`)).getRowsJson() as unknown[][];
      conn.closeSync();
      duck.closeSync();
      expect(pooled.count).toBe(Number(row?.[0]));
      expect(Math.abs(pooled.mean - Number(row?.[1])) / Number(row?.[1])).toBeLessThan(1e-9);
      expect(Math.abs(sampleVariance(pooled)! - Number(row?.[2])) / Number(row?.[2])).toBeLessThan(1e-9);
    });

    it('the summary engine reads with the fixed schema exactly what DuckDB reads by itself', async () => {
      const csv = patientsCsv(100, 8);
      const view = await release(csv);
      const engine = await SummaryEngine.open({ threads: 1, memoryLimit: '256MB' });
      try {
        const file = path.join(site.config.storageDir, 'objects', sha256(csv).slice(0, 2), sha256(csv));
        const mine = await engine.summarize({ file, format: 'csv', schema: view.versions?.[0]?.columns ?? [], columns: [1, 4], moments: true, minMax: true, probabilities: [0.5], histograms: new Map() });
        const [direct] = await engine.query(`SELECT count(*)::DOUBLE, sum(age), var_samp(bmi), min(bmi), median(age) FROM read_csv('${file}')`);
        expect(mine.rowCount).toBe(Number(direct?.[0]));
        expect(mine.columns[0]?.sum).toBe(Number(direct?.[1]));
        expect(mine.columns[1]?.variance).toBeCloseTo(Number(direct?.[2]), 12);
        expect(mine.columns[1]?.min).toBe(Number(direct?.[3]));
        expect(mine.columns[0]?.quantiles?.[0]?.value).toBe(Number(direct?.[4]));
      } finally {
        engine.close();
      }
    });

    it('is refused by the node itself without a grant, with a revoked or expired grant, or outside its columns or statistics', async () => {
      const view = await release(patientsCsv(40, 6));
      const datasetId = view.datasetId;
      const refusal = async (p: Partial<StorageSummarize.Payload>) => summarize({ datasetId, ...p }).then(() => 'answered', (e: unknown) => (e as PhdmfError).code);

      expect(await refusal({})).toBe('ACCESS.NOT_GRANTED');
      const requestId = await world.grant({ datasetId, owner: 'hospital-a', requester, columns: ['age'], statistics: ['count', 'mean'] });
      expect(await refusal({})).toBe('answered');
      expect(await refusal({ columns: ['age', 'bmi'] })).toBe('ACCESS.OUT_OF_SCOPE');
      expect(await refusal({ statistics: ['count', 'variance'] })).toBe('ACCESS.OUT_OF_SCOPE');
      expect(await refusal({ requester: 'someone-else' })).toBe('ACCESS.NOT_GRANTED');
      await world.revoke(requestId, 'hospital-a');
      expect(await refusal({})).toBe('ACCESS.REVOKED');

      const other = 'researcher-77';
      await world.grant({ datasetId, owner: 'hospital-a', requester: other, columns: ['age'], statistics: ['count'], expiresInMs: 2_500 });
      expect(await refusal({ requester: other, statistics: ['count'] })).toBe('answered');
      await new Promise((r) => setTimeout(r, 3_000));
      expect(await refusal({ requester: other, statistics: ['count'] })).toBe('ACCESS.EXPIRED');
    });

    it('refuses inconsistent or malformed requests at the node edge, with a code', async () => {
      const view = await release(patientsCsv(20, 31));
      await world.grant({ datasetId: view.datasetId, owner: 'hospital-a', requester, columns: ['age'], statistics: ['count', 'quantiles', 'histogram'] });
      const code = async (p: Record<string, unknown>, actor = AUTHZ) =>
        world.bus
          .request(StorageSummarize.contractFor('node-a'), { analysisId: 'an-v', datasetId: view.datasetId, requester, columns: ['age'], statistics: ['count'], ...p }, { actor })
          .then(() => 'answered', (e: unknown) => (e as PhdmfError).code);
      expect(await code({})).toBe('answered');
      expect(await code({ columns: ['weight'] })).toBe('STORAGE.COLUMN_UNKNOWN');
      expect(await code({ statistics: ['quantiles'] })).toBe('STORAGE.REQUEST_INVALID');
      expect(await code({ probabilities: [0.5] })).toBe('STORAGE.REQUEST_INVALID');
      expect(await code({ statistics: ['histogram'], histograms: [{ column: 'age', edges: [3, 1] }] })).toBe('STORAGE.REQUEST_INVALID');
      // The aggregation service's rule too (one rule, StorageSummarize.summaryRequestProblem): a histogram needs edges.
      expect(await code({ statistics: ['histogram'] })).toBe('STORAGE.REQUEST_INVALID');
      // Histogram column names by the one text rule (a control character is refused like in `columns`).
      expect(await code({ statistics: ['histogram'], histograms: [{ column: 'a\u0001', edges: [0, 1] }] })).toBe('VALIDATION.FAILED');
      expect(await code({ rows: true })).toBe('VALIDATION.FAILED');
      expect(await code({ statistics: ['everything'] })).toBe('VALIDATION.FAILED');
      expect(await code({ datasetId: 'ds-00000000-0000-0000-0000-000000000000' })).toBe('DATASET.NOT_FOUND');
      // A researcher calling the node directly can only ask for themself.
      expect(await code({}, { userId: 'someone-else', roles: ['researcher'] })).toBe('ACCESS.REQUESTER_MISMATCH');
    });

    it('does not compute a summary whose caller has stopped waiting (MESSAGING.DEADLINE_EXCEEDED)', async () => {
      const view = await release(patientsCsv(50, 41));
      await world.grant({ datasetId: view.datasetId, owner: 'hospital-a', requester, columns: ['age'], statistics: ['count', 'mean'] });
      await expect(summarize({ datasetId: view.datasetId })).resolves.toMatchObject({ body: { datasetId: view.datasetId } });
      // The request being served has a deadline that has passed: the bus passes it on in Phdmf-Deadline.
      const late = Correlation.run({ correlationId: 'late-caller', deadline: Date.now() - 1 }, () => summarize({ datasetId: view.datasetId }));
      await expect(late).rejects.toMatchObject({ code: 'MESSAGING.DEADLINE_EXCEEDED' });
      // The bus does not even send that one; a request that reaches the site late (a slow network, a
      // caller's clock ahead) is refused by the site itself, before any work.
      const subject = StorageSummarize.contractFor('node-a').subject;
      const payload = { analysisId: 'an-late', requester, columns: ['age'], statistics: ['count', 'mean'], datasetId: view.datasetId };
      const reply = await world.nc.request(subject, new TextEncoder().encode(JSON.stringify(payload)), { timeout: 10_000, headers: outgoingHeaders(AUTHZ, Date.now() - 1) });
      expect(JSON.parse(new TextDecoder().decode(reply.data))).toMatchObject({ ok: false, error: { code: 'MESSAGING.DEADLINE_EXCEEDED', message: expect.stringContaining('the summary was computed') } });
    });

    it('bounds its queue of summaries: past SUMMARY_QUEUE_SIZE waiting, a request is refused at once with STORAGE.BUSY', async () => {
      const member = await world.admit('clinic-q', 'node-q');
      const siteQ = await world.startSite(member, { SUMMARY_CONCURRENCY: '1', SUMMARY_QUEUE_SIZE: '1' });
      try {
        const staffQ = new LocalApi(siteQ, await world.token({ userId: 'quinn-q01', organisationId: 'clinic-q', roles: ['member'] }));
        const view = await release(patientsCsv(20_000, 43), staffQ);
        await world.grant({ datasetId: view.datasetId, owner: 'clinic-q', requester, columns: ['age', 'bmi'], statistics: ['count', 'mean', 'quantiles'] });
        const ask = (i: number) =>
          world.bus
            .request(
              StorageSummarize.contractFor('node-q'),
              { analysisId: `an-q-${i}`, datasetId: view.datasetId, requester, columns: ['age', 'bmi'], statistics: ['count', 'mean', 'quantiles'], probabilities: [0.25, 0.5, 0.75] },
              { actor: AUTHZ, timeoutMs: 60_000 },
            )
            .then(() => 'answered', (e: unknown) => (e as PhdmfError).code);
        const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => ask(i)));
        // One computes, one waits; the others are told at once instead of piling up.
        expect(outcomes.filter((o) => o === 'answered').length).toBeGreaterThanOrEqual(2);
        expect(outcomes.filter((o) => o === 'STORAGE.BUSY').length).toBeGreaterThanOrEqual(1);
        expect(outcomes.filter((o) => o !== 'answered' && o !== 'STORAGE.BUSY')).toEqual([]);
        // Busy is not broken: once the queue drains, the node answers again.
        expect(await ask(99)).toBe('answered');
      } finally {
        await siteQ.close();
      }
    });

    it('never puts a row on NATS: no cell value appears in any message while summaries run', async () => {
      const marker = 'ZQX-UNIQUE-CELL';
      const csv = `id,note,score\n${Array.from({ length: 30 }, (_, i) => `${i},${marker}-${i},${i * 1.5}`).join('\n')}\n`;
      const view = await release(csv);
      await world.grant({ datasetId: view.datasetId, owner: 'hospital-a', requester, columns: ['note', 'score'], statistics: ['count', 'missing', 'mean', 'min', 'max'] });
      const seen: string[] = [];
      const sub = world.nc.subscribe('>', { callback: (_e, m) => seen.push(new TextDecoder().decode(m.data)) });
      await summarize({ datasetId: view.datasetId, columns: ['note', 'score'], statistics: ['count', 'missing', 'mean', 'min', 'max'] });
      await world.nc.flush();
      sub.unsubscribe();
      expect(seen.length).toBeGreaterThan(2);
      expect(seen.join('\n')).not.toContain(marker);
    });
  });

  describe('Parquet', () => {
    const PARQUET = 'application/vnd.apache.parquet';

    async function toParquet(csv: string): Promise<Buffer> {
      const dir = path.join(world.root, `pq-${Date.now()}`);
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'in.csv'), csv);
      const duck = await DuckDBInstance.create(':memory:');
      const conn = await duck.connect();
      await conn.run(`COPY (SELECT * FROM read_csv('${dir}/in.csv', header = true)) TO '${dir}/out.parquet' (FORMAT parquet)`);
      conn.closeSync();
      duck.closeSync();
      return readFileSync(path.join(dir, 'out.parquet'));
    }

    it('is stored, typed from its own schema, released, and summarized like the same data as CSV', async () => {
      const csv = patientsCsv(120, 41);
      const parquet = await toParquet(csv);
      const res = await staff.call('POST', '/datasets?name=pq&fileName=patients.parquet', parquet, PARQUET);
      expect(res.status).toBe(201);
      const view = res.json as DatasetView;
      expect(view.versions?.[0]).toMatchObject({ format: 'parquet', rowCount: 120, sha256: sha256(parquet) });
      expect(view.versions?.[0]?.columns.map((c) => [c.name, c.type])).toEqual([
        ['id', 'numeric'],
        ['age', 'numeric'],
        ['sex', 'categorical'],
        ['visit', 'date'],
        ['bmi', 'numeric'],
        ['rare', 'numeric'],
      ]);
      const fromCsv = await release(csv);
      const requester = 'researcher-pq';
      const ask = async (datasetId: string) => {
        await world.grant({ datasetId, owner: 'hospital-a', requester, columns: ['age', 'bmi', 'sex'], statistics: ['count', 'missing', 'mean', 'variance', 'quantiles'] });
        return world.bus.request(
          StorageSummarize.contractFor('node-a'),
          { analysisId: 'an-pq', datasetId, requester, columns: ['age', 'bmi', 'sex'], statistics: ['count', 'missing', 'mean', 'variance', 'quantiles'], probabilities: [0.5] },
          { actor: AUTHZ },
        );
      };
      const a = (await ask(view.datasetId)).body.columns;
      const b = (await ask(fromCsv.datasetId)).body.columns;
      expect(a.map((c) => [c.count, c.missing, c.quantiles])).toEqual(b.map((c) => [c.count, c.missing, c.quantiles]));
      a.forEach((c, i) => {
        expect(c.mean ?? 0).toBeCloseTo(b[i]?.mean ?? 0, 10);
        expect(c.variance ?? 0).toBeCloseTo(b[i]?.variance ?? 0, 10);
      });
      const download = await staff.call('GET', `/datasets/${view.datasetId}/download`);
      expect(download.headers.get('content-type')).toBe(PARQUET);
    });

    it('refuses a file that is not Parquet, leaving nothing behind', async () => {
      const objectsBefore = filesUnder(objectsDir()).length;
      const notParquet = await staff.call('POST', '/datasets?name=pq', 'a,b\n1,2\n', PARQUET);
      expect(notParquet.status).toBe(422);
      expect(notParquet.json).toMatchObject({ error: { code: 'STORAGE.PARQUET_INVALID', message: expect.stringMatching(/magic bytes/) } });
      const broken = await staff.call('POST', '/datasets?name=pq', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(100, 7), Buffer.from('PAR1')]), PARQUET);
      expect(broken.status).toBe(422);
      // A fixed sentence: DuckDB's own text names the server's temporary file and its internals.
      expect(broken.json).toEqual({ error: { code: 'STORAGE.PARQUET_INVALID', message: 'the file is not a readable Parquet file' } });
      expect(broken.text).not.toContain(site.config.storageDir);
      expect(filesUnder(tmpDir())).toEqual([]);
      expect(filesUnder(objectsDir()).length).toBe(objectsBefore);
    });
  });

  describe('integrity audit', () => {
    it('finds one flipped byte, records the finding on-chain, refuses summaries until a good version is uploaded', async () => {
      const requester = 'researcher-88';
      const csv = patientsCsv(60, 4);
      const view = await release(csv);
      await world.grant({ datasetId: view.datasetId, owner: 'hospital-a', requester, columns: ['age'], statistics: ['count', 'mean'] });
      const ask = () =>
        world.bus.request(
          StorageSummarize.contractFor('node-a'),
          { analysisId: 'an-audit', datasetId: view.datasetId, requester, columns: ['age'], statistics: ['count', 'mean'] },
          { actor: AUTHZ },
        );
      await expect(ask()).resolves.toMatchObject({ body: { datasetId: view.datasetId } });

      // Flip one byte of the stored file (the file is read-only to the service: an attacker's doing).
      const file = path.join(objectsDir(), sha256(csv).slice(0, 2), sha256(csv));
      chmodSync(file, 0o600);
      const bytes = readFileSync(file);
      bytes[100] = (bytes[100] ?? 0) ^ 0x01;
      writeFileSync(file, bytes);

      const findings = async () => (await Metrics.tamperFindings.get()).values.reduce((sum, v) => sum + v.value, 0);
      const findingsBefore = await findings();
      const audit = await admin.call('POST', '/audit');
      expect(audit.status).toBe(200);
      // One new finding on the site's metrics (phdmf_tamper_findings_total, alerted on in k8s/observability).
      expect(await findings()).toBe(findingsBefore + 1);
      const report = audit.json as { mismatches: { datasetId: string; findingId?: string; foundSha256: string }[] };
      const mismatch = report.mismatches.find((m) => m.datasetId === view.datasetId);
      expect(mismatch?.foundSha256).toBe(sha256(bytes));
      expect(mismatch?.findingId).toEqual(expect.any(String));
      const onChain = await world.bus.request(LedgerGetDataset.CONTRACT, { datasetId: view.datasetId });
      expect(onChain).toMatchObject({ status: 'tampered', tamperFindingId: mismatch?.findingId });
      const provenance = await world.bus.request(LedgerGetProvenance.CONTRACT, { datasetId: view.datasetId });
      expect(provenance.entries.map((e) => e.operation)).toContain('tamper');
      await expect(ask()).rejects.toMatchObject({ code: 'DATASET.TAMPERED' });
      expect(((await staff.call('GET', `/datasets/${view.datasetId}`)).json as DatasetView).tampered).toBe(true);

      // The owner uploads a good version: released again, summaries answered again.
      const fixed = await staff.call('POST', `/datasets/${view.datasetId}/versions?fileName=fixed.csv`, csv.replace('\n1,', '\n1,'));
      expect(fixed.status).toBe(201);
      expect((fixed.json as DatasetView).tampered).toBe(false);
      expect((await world.bus.request(LedgerGetDataset.CONTRACT, { datasetId: view.datasetId })).status).toBe('active');
      // The grant covers version 1 only; a new version needs the owner's renewal (here: a new grant).
      await expect(ask()).rejects.toMatchObject({ code: 'ACCESS.VERSION_NOT_COVERED' });
      await world.grant({ datasetId: view.datasetId, owner: 'hospital-a', requester, columns: ['age'], statistics: ['count', 'mean'] });
      await expect(ask()).resolves.toMatchObject({ body: { datasetVersion: 2 } });
    });

    it('runs on demand over NATS too, and answers with its report', async () => {
      await release(patientsCsv(10, 71));
      const report = await world.bus.request(StorageRunAudit.contractFor('node-a'), { note: 'consortium check' }, { actor: ADMIN });
      expect(report).toMatchObject({ nodeId: 'node-a', mismatches: expect.any(Array) });
      expect(report.filesChecked).toBeGreaterThan(0);
    });

    it('a changed file is refused by the summary itself, even before an audit ran', async () => {
      const requester = 'researcher-99';
      const csv = patientsCsv(30, 12);
      const view = await release(csv);
      await world.grant({ datasetId: view.datasetId, owner: 'hospital-a', requester, columns: ['age'], statistics: ['count'] });
      const file = path.join(objectsDir(), sha256(csv).slice(0, 2), sha256(csv));
      chmodSync(file, 0o600);
      writeFileSync(file, csv.replace('id,', 'iD,'));
      await expect(
        world.bus.request(StorageSummarize.contractFor('node-a'), { analysisId: 'an-x', datasetId: view.datasetId, requester, columns: ['age'], statistics: ['count'] }, { actor: AUTHZ }),
      ).rejects.toMatchObject({ code: 'DATASET.TAMPERED' });
    });
  });

  describe('node info on the node subject', () => {
    it('is answered by the node addressed, with its own identity, version, checks and the ledger height it reads', async () => {
      const before = await world.bus.request(LedgerGetChainInfo.CONTRACT, {});
      const a = await world.bus.request(StorageGetNodeInfo.contractFor('node-a'), {});
      expect(a).toEqual({
        nodeId: 'node-a',
        organisationId: 'hospital-a',
        softwareVersion: expect.stringMatching(/^\d+\.\d+\.\d+/) as string,
        ledgerHeight: expect.any(Number) as number,
        checks: { nats: 'up', database: 'up', ledger: 'up' },
        publicKeyFingerprint: nodeKeyId(orgA.publicKeyPem),
      });
      expect(a.ledgerHeight).toBeGreaterThanOrEqual(before.height);
      // Node B, on the same NATS, answers its own subject with its own identity — never node A's.
      const b = await world.bus.request(StorageGetNodeInfo.contractFor('node-b'), {});
      expect(b).toMatchObject({ nodeId: 'node-b', organisationId: 'hospital-b', publicKeyFingerprint: nodeKeyId(orgB.publicKeyPem) });
    });

    it('no other node answers for a node that is not running, and a stopped node is unreachable', async () => {
      // Sites node-a and node-b are up on this NATS: neither answers for a node id that has no running site.
      await expect(world.bus.request(StorageGetNodeInfo.contractFor('node-absent'), {}, { timeoutMs: 2_000 })).rejects.toMatchObject({ code: 'MESSAGING.NO_RESPONDERS' });
      const member = await world.admit('clinic-e', 'node-e');
      const siteE = await world.startSite(member);
      await expect(world.bus.request(StorageGetNodeInfo.contractFor('node-e'), {})).resolves.toMatchObject({ nodeId: 'node-e', organisationId: 'clinic-e' });
      await siteE.close();
      await expect(world.bus.request(StorageGetNodeInfo.contractFor('node-e'), {}, { timeoutMs: 2_000 })).rejects.toMatchObject({ code: 'MESSAGING.NO_RESPONDERS' });
      // The other nodes still answer for themselves only.
      await expect(world.bus.request(StorageGetNodeInfo.contractFor('node-a'), {})).resolves.toMatchObject({ nodeId: 'node-a' });
    });
  });
});

/** A key for an organisation that is not (yet) a consortium member. */
async function memberKeyOnly(world: World, organisationId: string, nodeId: string): Promise<Member> {
  const { generateKeyPairSync } = await import('node:crypto');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyFile = path.join(world.root, `${nodeId}-pending-key.pem`);
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return { organisationId, mspId: `${organisationId}MSP`, nodeId, keyFile, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}
