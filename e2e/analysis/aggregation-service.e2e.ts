// The aggregation service over its NATS contracts, everything real: nats-server with JetStream, the
// ledger service (child process, embedded ledger), three storage nodes with their own SQLite, files
// and keys, and the aggregation service as main.ts starts it. A fourth member's node is played by
// an impostor, to show what the service does with answers it must not trust.
import { createHash, createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import {
  AggregationGetAnalysis,
  AggregationGetAnalysisChart,
  AggregationListAnalyses,
  AggregationRunAnalysis,
  canonicalJson,
  LedgerAddDataset,
  LedgerGetAnalysis,
  LedgerGetProvenance,
  LedgerGetTransaction,
  LedgerRecordAnalysis,
  LedgerRequestAccess,
  StorageSummarize,
  type AnalysisResult,
  type LedgerAnalysisRecord,
  type LedgerStatistic,
} from '@phdmf/contracts';
import { Header, type ActorHeader } from '@phdmf/messaging';
import { ADMIN, AUTHZ, LocalApi, staffActor, World, type Site } from '../../apps/data-storage/test-support/world';
import { CHATTY_REFUSAL, ImpostorNode, startAggregation } from './support/aggregation';
import { cohortCsv, duckdbOverConcatenation, relativeError } from './support/cohorts';
import { SummaryTap } from './support/summary-tap';

const researcher: ActorHeader = { userId: 'researcher-1', roles: ['researcher'] };
const otherResearcher: ActorHeader = { userId: 'researcher-2', roles: ['researcher'] };
const ALL: LedgerStatistic[] = ['count', 'missing', 'sum', 'min', 'max', 'mean', 'variance', 'sd', 'quantiles', 'histogram'];

describe('aggregation service (real NATS, ledger service, storage nodes)', () => {
  let world: World;
  let aggregation: INestApplication;
  let tap: SummaryTap;
  let impostor: ImpostorNode;
  const sites: Site[] = [];
  const csvs: string[] = [];
  const datasets: string[] = [];
  let impostorDataset: string;
  let impostorGrant: string;

  const run = (p: AggregationRunAnalysis.Payload, actor = researcher) => world.bus.request(AggregationRunAnalysis.CONTRACT, p, { actor, timeoutMs: 60_000 });
  const failureOf = (p: AggregationRunAnalysis.Payload) => run(p).then(() => { throw new Error('the analysis was expected to fail'); }, (e: unknown) => e as { code: string; message: string });

  beforeAll(async () => {
    world = await World.start();
    const members = [await world.admit('hospital-a', 'node-a'), await world.admit('hospital-b', 'node-b'), await world.admit('hospital-c', 'node-c')];
    const clinic = await world.admit('clinic-d', 'node-d');
    for (const m of members) sites.push(await world.startSite(m));
    aggregation = await startAggregation(world.nats.url, world.root, world.logger, { POOL_MIN_COUNT: '4', SITE_TIMEOUT_MS: '2500' });
    tap = await SummaryTap.open(world.nats.url, ['node-a', 'node-b', 'node-c', 'node-d']);

    for (const [i, site] of sites.entries()) {
      const csv = cohortCsv([400, 700, 150][i] ?? 100, i + 1);
      const staff = new LocalApi(site, await world.token({ userId: `staff-${i}`, organisationId: site.organisationId, roles: ['member'] }));
      const res = await staff.upload(csv, `name=cohort-${i}&fileName=cohort-${i}.csv`);
      expect(res.status).toBe(201);
      const datasetId = (res.json as { datasetId: string }).datasetId;
      csvs.push(csv);
      datasets.push(datasetId);
      await world.grant({ datasetId, owner: site.organisationId, requester: researcher.userId, columns: ['age', 'bmi', 'sbp', 'rare'], statistics: ALL });
    }

    // The clinic's dataset is on-chain, but its node is played by the impostor, which holds the clinic's real node key.
    impostorDataset = `ds-clinic-${randomUUID().slice(0, 8)}`;
    const sha256 = createHash('sha256').update(impostorDataset).digest('hex');
    await world.bus.request(
      LedgerAddDataset.CONTRACT,
      { datasetId: impostorDataset, version: 1, fileName: 'clinic.csv', sha256, rowCount: 50, columnCount: 2, schemaDigest: sha256, operator: 'staff-of-clinic-d', description: 'clinic cohort', name: 'Clinic cohort', columns: ['age', 'bmi'] },
      { actor: staffActor('clinic-d') },
    );
    impostorGrant = await world.grant({ datasetId: impostorDataset, owner: 'clinic-d', requester: researcher.userId, columns: ['age', 'bmi'], statistics: ['count', 'mean', 'variance'] });
    const foreign = generateKeyPairSync('ed25519');
    impostor = await ImpostorNode.start(
      world.nats.url,
      { nodeId: 'node-d', organisationId: 'clinic-d', sha256, datasetVersion: 1, grantRequestId: impostorGrant },
      createPrivateKey(readFileSync(clinic.keyFile)),
      foreign.privateKey,
      clinic.publicKeyPem,
      foreign.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    );
  }, 180_000);

  afterAll(async () => {
    await impostor.stop().catch(() => undefined);
    await tap.close().catch(() => undefined);
    await aggregation.close().catch(() => undefined);
    await world.dispose();
  });

  it('pools three sites exactly as one computation over the concatenated files, and records the analysis on-chain', async () => {
    const result = await run({ datasets, columns: ['age', 'bmi', 'sbp'], statistics: ['count', 'missing', 'sum', 'mean', 'variance', 'sd', 'min', 'max'], breakdown: true });
    expect(result.status).toBe('complete');
    for (const column of ['age', 'bmi', 'sbp'] as const) {
      const pooled = result.columns.find((c) => c.name === column);
      const direct = await duckdbOverConcatenation(world.root, csvs, column);
      expect(pooled?.count).toBe(direct.count);
      expect(pooled?.missing).toBe(direct.missing);
      for (const s of ['sum', 'mean', 'variance', 'sd'] as const) expect(relativeError(pooled?.[s], direct[s])).toBeLessThanOrEqual(1e-9);
      // The consortium's floor: min and max are bounds moved outwards, never the exact extremes.
      expect(pooled?.min).toBeLessThan(direct.min);
      expect(pooled?.max).toBeGreaterThan(direct.max);
      expect(pooled?.minMaxExact).toBe(false);
    }
    expect(result.siteStatistics).toEqual(['count', 'missing', 'sum', 'min', 'max', 'mean', 'variance', 'sd']);
    expect(result.datasets.map((d) => [d.datasetId, d.nodeId, d.status])).toEqual(datasets.map((d, i) => [d, ['node-a', 'node-b', 'node-c'][i], 'used']));
    for (const d of result.datasets) expect(d.computeMillis).toBeGreaterThan(0);
    expect(result.sites?.map((s) => s.nodeId)).toEqual(['node-a', 'node-b', 'node-c']);
    expect(result.sites?.[0]?.columns[0]?.count).toBe(cohortCountOf(csvs[0] ?? '', 1));

    // Exactly one summary request per dataset, for this analysis.
    for (const d of datasets) expect(await tap.countFor(d)).toBe(1);

    // The result hash covers the released result; the ledger holds it, for every dataset's provenance.
    const { resultHash, txId, blockNumber, ...released } = result;
    expect(createHash('sha256').update(canonicalJson(released)).digest('hex')).toBe(resultHash);
    const tx = await world.bus.request(LedgerGetTransaction.CONTRACT, { txId }, { actor: ADMIN });
    expect(tx.blockNumber).toBe(blockNumber);
    const record = tx.event?.payload as LedgerAnalysisRecord;
    expect(record).toMatchObject({ analysisId: result.analysisId, requester: researcher.userId, resultHash, statistics: result.siteStatistics, columns: ['age', 'bmi', 'sbp'] });
    expect(record.grants.map((g) => g.datasetId)).toEqual(datasets);
    for (const d of datasets) {
      const provenance = await world.bus.request(LedgerGetProvenance.CONTRACT, { datasetId: d }, { actor: ADMIN });
      expect(provenance.entries).toContainEqual(expect.objectContaining({ operation: 'analysis', referenceId: result.analysisId, txId, blockNumber }));
    }
  });

  it('pools quantiles and histograms over the edges every site\'s declared grid shares, labelling the quantiles approximate', async () => {
    const edges = [15, 20, 25, 30, 35, 40, 45, 50, 60];
    const result = await run({ datasets, columns: ['bmi'], statistics: ['count', 'quantiles', 'histogram'], probabilities: [0.25, 0.5, 0.75], histograms: [{ column: 'bmi', edges }] });
    const bmi = result.columns[0];
    const values = csvs.flatMap((csv) => columnValues(csv, 3)).sort((a, b) => a - b);
    // Each site rounds the edges out to its owner's grid (widths 2, 2 and 5 here); the pool keeps the edges all share.
    const released = bmi?.histogram?.edges ?? [];
    expect(released).toEqual([20, 30, 40, 50, 60]);
    const direct = released.slice(1).map((hi, i) => values.filter((v) => v >= (released[i] ?? 0) && (i === released.length - 2 ? v <= hi : v < hi)).length);
    // A cell with 1..3 records is withheld at the pool (threshold 4), an empty one is 0.
    expect(bmi?.histogram?.counts).toEqual(direct.map((n) => (n > 0 && n < 4 ? null : n)));
    expect(bmi?.histogram?.below).toBe(values.filter((v) => v < 20).length);
    for (const q of bmi?.quantiles ?? []) {
      expect(q).toMatchObject({ approximate: true, method: 'pooled-histogram' });
      const h = (values.length - 1) * q.p;
      const truth = (values[Math.floor(h)] ?? 0) + (h - Math.floor(h)) * ((values[Math.ceil(h)] ?? 0) - (values[Math.floor(h)] ?? 0));
      expect(truth).toBeGreaterThanOrEqual(q.bounds?.[0] ?? Infinity);
      expect(truth).toBeLessThanOrEqual(q.bounds?.[1] ?? -Infinity);
    }
    expect(bmi?.quantiles).toHaveLength(3);
  });

  it('answers histograms only on the declared grids: edges around the largest value come back no finer than the grids', async () => {
    const values = csvs.flatMap((csv) => columnValues(csv, 3)).sort((a, b) => a - b);
    const n = values.length;
    const top = values[n - 1] ?? 0;
    // Edges that would isolate the largest value in a bin of width 0.002.
    const result = await run({ datasets, columns: ['bmi'], statistics: ['count', 'histogram'], histograms: [{ column: 'bmi', edges: [0, top - 0.001, top + 0.001] }] });
    const bmi = result.columns[0];
    expect(bmi?.count).toBe(n);
    const released = bmi?.histogram?.edges ?? [];
    expect(released.length).toBeGreaterThanOrEqual(2);
    for (const [i, hi] of released.slice(1).entries()) expect(hi - (released[i] ?? NaN)).toBeGreaterThanOrEqual(10);
    const direct = released.slice(1).map((hi, i) => values.filter((v) => v >= (released[i] ?? 0) && (i === released.length - 2 ? v <= hi : v < hi)).length);
    for (const [i, c] of (bmi?.histogram?.counts ?? []).entries()) if (c !== null) expect(c).toBe(direct[i]);
  });

  it('holds back at the pool any group below its threshold: a small pooled column, and each small site cell of a breakdown', async () => {
    // `rare` has 3 values at each site: each site releases it (its threshold is 3), the pool's is 4.
    const pooled = await run({ datasets, columns: ['rare'], statistics: ['count', 'mean'], breakdown: true });
    expect(pooled.columns[0]).toMatchObject({ count: 9 });
    for (const site of pooled.sites ?? []) {
      expect(site.columns[0]).toEqual({ name: 'rare', type: 'numeric', suppressed: { code: 'DISCLOSURE.POOL_BELOW_THRESHOLD', reason: 'the column has fewer than 4 non-missing values' } });
    }
    const alone = await run({ datasets: datasets.slice(0, 1), columns: ['rare'], statistics: ['count', 'mean'] });
    expect(alone.columns[0]?.suppressed?.code).toBe('DISCLOSURE.POOL_BELOW_THRESHOLD');
    expect(alone.columns[0]?.count).toBeUndefined();
    expect(alone.columns[0]?.mean).toBeUndefined();
  });

  it('refuses before any summary request leaves when one dataset has no grant in force, naming it', async () => {
    const site = sites[0]!;
    const staff = new LocalApi(site, await world.token({ userId: 'staff-x', organisationId: site.organisationId, roles: ['member'] }));
    const pending = ((await staff.upload(cohortCsv(60, 9), 'name=pending&fileName=pending.csv')).json as { datasetId: string }).datasetId;
    await world.bus.request(
      LedgerRequestAccess.CONTRACT,
      { requestId: `rq-${randomUUID()}`, datasetId: pending, requester: researcher.userId, purpose: 'waiting', columns: ['age'], statistics: ['count'], requestedExpiry: new Date(Date.now() + 3_600_000).toISOString() },
      { actor: AUTHZ },
    );
    const before = await tap.total();
    const refusal = await failureOf({ datasets: [datasets[1]!, pending], columns: ['age'], statistics: ['count'] });
    expect(refusal.code).toBe('ACCESS.NOT_GRANTED');
    expect(refusal.message).toContain(pending);
    const revoked = await world.grant({ datasetId: pending, owner: site.organisationId, requester: researcher.userId, columns: ['age'], statistics: ['count'] });
    await world.revoke(revoked, site.organisationId);
    expect((await failureOf({ datasets: [pending], columns: ['age'], statistics: ['count'] })).code).toBe('ACCESS.REVOKED');
    expect((await failureOf({ datasets: [datasets[1]!], columns: ['age', 'id'], statistics: ['count'] })).code).toBe('ACCESS.OUT_OF_SCOPE');
    expect((await failureOf({ datasets: [impostorDataset], columns: ['age'], statistics: ['sd'] })).code).toBe('ACCESS.OUT_OF_SCOPE');
    expect(await tap.total()).toBe(before);
  });

  it('fails the analysis on a forged or altered site answer, even with allowPartial, and records nothing', async () => {
    const ask = { datasets: [datasets[0]!, impostorDataset], columns: ['age'], statistics: ['count', 'mean'] as LedgerStatistic[], allowPartial: true };
    const listed = async () => (await world.bus.request(AggregationListAnalyses.CONTRACT, {}, { actor: researcher })).items.length;
    const before = await listed();
    impostor.mode = 'foreign-key';
    expect(await failureOf(ask)).toMatchObject({ code: 'ANALYSIS.SITE_SIGNATURE_INVALID', message: expect.stringContaining('node "node-d"') });
    impostor.mode = 'altered';
    expect((await failureOf(ask)).code).toBe('ANALYSIS.SITE_SIGNATURE_INVALID');
    impostor.mode = 'replay';
    expect((await failureOf(ask)).code).toBe('ANALYSIS.SITE_RESPONSE_MISMATCH');
    expect(await listed()).toBe(before);
    // The control: the same answer, honestly signed with the node's registered key, is taken.
    impostor.mode = 'honest';
    const taken = await run(ask);
    expect(taken.status).toBe('complete');
    expect(await listed()).toBe(before + 1);
  });

  it('fails on a node that does not answer in time, naming it, or leaves it out of a partial result when asked', async () => {
    impostor.mode = 'silent';
    const ask = { datasets: [datasets[0]!, impostorDataset], columns: ['age'], statistics: ['count', 'mean'] as LedgerStatistic[] };
    expect(await failureOf(ask)).toMatchObject({ code: 'ANALYSIS.SITE_TIMEOUT', message: expect.stringContaining('node "node-d"') });
    const partial = await run({ ...ask, allowPartial: true });
    expect(partial.status).toBe('partial');
    expect(partial.datasets.find((d) => d.datasetId === impostorDataset)).toMatchObject({ status: 'failed', error: { code: 'ANALYSIS.SITE_TIMEOUT' } });
    expect(partial.columns[0]?.count).toBe(cohortCountOf(csvs[0] ?? '', 1));
    const tx = await world.bus.request(LedgerGetTransaction.CONTRACT, { txId: partial.txId }, { actor: ADMIN });
    expect((tx.event?.payload as LedgerAnalysisRecord).grants.map((g) => g.datasetId)).toEqual([datasets[0]]);
    impostor.mode = 'honest';
  });

  it('asks the sites with what is left of its caller\'s deadline, not its own SITE_TIMEOUT_MS: a 2 s caller is answered within 2 s', async () => {
    await aggregation.close();
    aggregation = await startAggregation(world.nats.url, world.root, world.logger, { POOL_MIN_COUNT: '4', SITE_TIMEOUT_MS: '120000' });
    impostor.mode = 'silent';
    const deadlines: number[] = [];
    const asked = world.nc.subscribe(StorageSummarize.contractFor('node-d').subject, { callback: (_e, msg) => deadlines.push(Number(msg.headers?.get(Header.Deadline))) });
    try {
      const started = Date.now();
      const ask = { datasets: [datasets[0]!, impostorDataset], columns: ['age'], statistics: ['count', 'mean'] as LedgerStatistic[] };
      const outcome = await world.bus.request(AggregationRunAnalysis.CONTRACT, ask, { actor: researcher, timeoutMs: 2_000 }).catch((e: unknown) => e);
      // The silent node was asked to answer within the researcher's 2 s, and the service gave up on it then.
      expect(deadlines).toHaveLength(1);
      expect(deadlines[0]! - started).toBeLessThanOrEqual(2_000);
      expect(outcome).toMatchObject({ code: 'ANALYSIS.SITE_TIMEOUT', message: expect.stringContaining('node "node-d"') });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      asked.unsubscribe();
      impostor.mode = 'honest';
      await aggregation.close();
      aggregation = await startAggregation(world.nats.url, world.root, world.logger, { POOL_MIN_COUNT: '4', SITE_TIMEOUT_MS: '2500' });
    }
  });

  it('shows an analysis to its requester and the consortium admin only, lists the requester\'s own, and charts it', async () => {
    const result = await run({ datasets, columns: ['age', 'bmi'], statistics: ['count', 'mean', 'max'], breakdown: true });
    const get = (actor: ActorHeader) => world.bus.request(AggregationGetAnalysis.CONTRACT, { analysisId: result.analysisId }, { actor });
    expect(await get(researcher)).toEqual(result);
    expect(await get(ADMIN)).toEqual(result);
    await expect(get(otherResearcher)).rejects.toMatchObject({ code: 'ANALYSIS.NOT_FOUND' });
    expect((await world.bus.request(AggregationListAnalyses.CONTRACT, {}, { actor: researcher })).items.map((i) => i.analysisId)).toContain(result.analysisId);
    expect((await world.bus.request(AggregationListAnalyses.CONTRACT, {}, { actor: otherResearcher })).items).toEqual([]);
    const chart = await world.bus.request(AggregationGetAnalysisChart.CONTRACT, { analysisId: result.analysisId, statistic: 'count', by: 'site' }, { actor: researcher });
    expect(chart.svg).toMatch(/^<svg/);
    for (const node of ['node-a', 'node-b', 'node-c']) expect(chart.svg).toContain(node);
    await expect(world.bus.request(AggregationGetAnalysisChart.CONTRACT, { analysisId: result.analysisId, statistic: 'sd' }, { actor: researcher })).rejects.toMatchObject({ code: 'ANALYSIS.CHART_UNAVAILABLE' });
    await expect(world.bus.request(AggregationGetAnalysisChart.CONTRACT, { analysisId: result.analysisId, statistic: 'count' }, { actor: otherResearcher })).rejects.toMatchObject({ code: 'ANALYSIS.NOT_FOUND' });
  });

  it('passes on no text of a site that failed: a row DuckDB quotes, the file path and the engine text stay at the site', async () => {
    // The owner's file holds a line longer than DuckDB reads (its limit is 2,000,000 bytes): the upload
    // accepts it, every summary fails, and DuckDB's error quotes the line and names the file's path.
    const site = sites[0]!;
    const staff = new LocalApi(site, await world.token({ userId: 'staff-y', organisationId: site.organisationId, roles: ['member'] }));
    const fields = ['987654321', '44', `Jane-Roe-1957-03-14 ${'x'.repeat(2_100_000)}`, '25.125', '121.5', ''];
    const rows = cohortCsv(40, 8);
    const poisonedLine = rows.trimEnd().split('\n').length + 1;
    const uploaded = await staff.upload(`${rows}${fields.join(',')}\n`, 'name=poisoned&fileName=poisoned.csv');
    expect(uploaded.status).toBe(201);
    const poisoned = (uploaded.json as { datasetId: string }).datasetId;
    await world.grant({ datasetId: poisoned, owner: site.organisationId, requester: researcher.userId, columns: ['age', 'bmi'], statistics: ['count', 'mean'] });
    const leaks = (text: string) =>
      ['987654321', 'Jane-Roe', 'xxxxxxxx', '25.125', '121.5', site.config.storageDir, '/objects/', 'Original Line', 'Invalid Input Error', 'max_line_size', 'delimiter'].filter((s) => text.includes(s));

    const failed = await failureOf({ datasets: [poisoned], columns: ['age', 'bmi'], statistics: ['count', 'mean'] });
    expect(leaks(JSON.stringify(failed))).toEqual([]);
    expect(failed).toMatchObject({ code: 'ANALYSIS.SITE_FAILED', details: { nodeId: 'node-a', datasetId: poisoned, cause: 'STORAGE.FILE_UNREADABLE', line: poisonedLine } });
    expect(failed.message).toBe(`node "node-a" (dataset "${poisoned}") failed its summary with STORAGE.FILE_UNREADABLE at line ${poisonedLine}`);
    expect(leaks(JSON.stringify(failed))).toEqual([]);

    // With allowPartial the failure is kept in the result (and in the stored analysis): the same code, no more.
    const partial = await run({ datasets: [datasets[1]!, poisoned], columns: ['age', 'bmi'], statistics: ['count', 'mean'], allowPartial: true });
    expect(partial.status).toBe('partial');
    expect(partial.datasets[1]).toMatchObject({ datasetId: poisoned, status: 'failed', error: { code: 'ANALYSIS.SITE_FAILED' } });
    const stored = await world.bus.request(AggregationGetAnalysis.CONTRACT, { analysisId: partial.analysisId }, { actor: researcher });
    expect(leaks(JSON.stringify(partial))).toEqual([]);
    expect(leaks(JSON.stringify(stored))).toEqual([]);

    // Defense in depth: the site's own reply on NATS carries the code, a fixed sentence and the line, nothing else.
    const reply = await world.bus
      .request(StorageSummarize.contractFor('node-a'), { analysisId: `an-${randomUUID()}`, datasetId: poisoned, requester: researcher.userId, columns: ['age'], statistics: ['count'] }, { actor: researcher })
      .then(() => undefined, (e: unknown) => e as { code: string; message: string; details?: unknown });
    expect(reply).toMatchObject({ code: 'STORAGE.FILE_UNREADABLE', message: `the stored file could not be read to compute the summary (line ${poisonedLine})`, details: { line: poisonedLine } });
    expect(leaks(JSON.stringify(reply))).toEqual([]);

    // And aggregation relays a site's code and line only, whatever text a site puts in its refusal.
    impostor.mode = 'chatty-refusal';
    const relayed = await failureOf({ datasets: [impostorDataset], columns: ['age'], statistics: ['count', 'mean'] });
    const kept = await run({ datasets: [datasets[1]!, impostorDataset], columns: ['age'], statistics: ['count', 'mean'], allowPartial: true });
    impostor.mode = 'honest';
    expect(relayed).toMatchObject({ code: 'ANALYSIS.SITE_FAILED', details: { nodeId: 'node-d', cause: CHATTY_REFUSAL.code, line: 7 } });
    for (const text of [JSON.stringify(relayed), JSON.stringify(kept)]) {
      expect(text).not.toContain('Ada-Lovelace');
      expect(text).not.toContain('Original Line');
    }
  });

  it('fails on a stopped node, naming it, or leaves it out of a partial result when asked', async () => {
    // The tap listens on every node's subject and would count as a responder: close it first.
    await tap.close();
    await sites[2]!.close();
    const ask = { datasets: [datasets[0]!, datasets[2]!], columns: ['sbp'], statistics: ['count'] as LedgerStatistic[] };
    expect(await failureOf(ask)).toMatchObject({ code: 'ANALYSIS.SITE_UNREACHABLE', message: expect.stringContaining('node "node-c"') });
    const partial: AnalysisResult = await run({ ...ask, allowPartial: true });
    expect(partial.status).toBe('partial');
    expect(partial.datasets.map((d) => d.status)).toEqual(['used', 'failed']);
  });

  it('runs at most ANALYSES_PER_HOUR analyses per researcher, counted from its database across a restart, each of bounded columns × quantiles', async () => {
    const hurried: ActorHeader = { userId: 'researcher-3', roles: ['researcher'] };
    await world.grant({ datasetId: datasets[0]!, owner: sites[0]!.organisationId, requester: hurried.userId, columns: ['age', 'bmi', 'sbp'], statistics: ALL });
    const limits = { POOL_MIN_COUNT: '4', SITE_TIMEOUT_MS: '2500', ANALYSES_PER_HOUR: '1', MAX_COLUMNS_PER_ANALYSIS: '2', MAX_QUANTILES_PER_ANALYSIS: '3' };
    await aggregation.close();
    aggregation = await startAggregation(world.nats.url, world.root, world.logger, limits);
    const ask = { datasets: [datasets[0]!], columns: ['sbp'], statistics: ['count'] as LedgerStatistic[] };
    await expect(run({ ...ask, columns: ['age', 'bmi', 'sbp'] }, hurried)).rejects.toMatchObject({ code: 'ANALYSIS.REQUEST_INVALID', details: { limit: 2, asked: 3 } });
    await expect(run({ ...ask, statistics: ['count', 'quantiles'], probabilities: [0.25, 0.5, 0.75, 0.9] }, hurried)).rejects.toMatchObject({
      code: 'ANALYSIS.REQUEST_INVALID',
      details: { limit: 3, asked: 4 },
    });
    expect((await run(ask, hurried)).status).toBe('complete');
    const refusal = { code: 'QUOTA.EXCEEDED', details: { what: 'analyses', limit: 1, windowSeconds: 3_600, retryAfterSeconds: expect.any(Number) as number } };
    await expect(run(ask, hurried)).rejects.toMatchObject(refusal);
    await aggregation.close();
    aggregation = await startAggregation(world.nats.url, world.root, world.logger, limits);
    await expect(run(ask, hurried)).rejects.toMatchObject(refusal);
  });

  it('completes an analysis whose record committed after its answer was lost, rather than failing it with the record on-chain', async () => {
    const patient: ActorHeader = { userId: 'researcher-4', roles: ['researcher'] };
    await world.grant({ datasetId: datasets[0]!, owner: sites[0]!.organisationId, requester: patient.userId, columns: ['sbp'], statistics: ['count', 'mean'] });
    await aggregation.close();
    aggregation = await startAggregation(world.nats.url, world.root, world.logger, { POOL_MIN_COUNT: '4', SITE_TIMEOUT_MS: '2500', LEDGER_COMMAND_TIMEOUT_MS: '500' });
    // The ledger freezes as the record reaches it (an overloaded host, a long pause) and commits it only
    // after the aggregation service stopped waiting for the answer.
    const frozen = world.nc.subscribe(LedgerRecordAnalysis.SUBJECT, {
      max: 1,
      callback: () => {
        world.pauseLedger();
        setTimeout(() => { world.resumeLedger(); }, 1_500);
      },
    });
    try {
      const result = await run({ datasets: [datasets[0]!], columns: ['sbp'], statistics: ['count', 'mean'] }, patient);
      expect(result.status).toBe('complete');
      const onChain = await world.bus.request(LedgerGetAnalysis.CONTRACT, { analysisId: result.analysisId }, { actor: ADMIN });
      expect(onChain).toMatchObject({ analysisId: result.analysisId, txId: result.txId, resultHash: result.resultHash });
      const tx = await world.bus.request(LedgerGetTransaction.CONTRACT, { txId: result.txId }, { actor: ADMIN });
      expect(tx.blockNumber).toBe(result.blockNumber);
      expect(await world.bus.request(AggregationGetAnalysis.CONTRACT, { analysisId: result.analysisId }, { actor: patient })).toEqual(result);
    } finally {
      frozen.unsubscribe();
      world.resumeLedger();
    }
  });
});

/** Non-missing values of a numeric column (by index) in a CSV of cohortCsv. */
function columnValues(csv: string, index: number): number[] {
  return csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[index] ?? '')
    .filter((v) => v !== '')
    .map(Number);
}

function cohortCountOf(csv: string, index: number): number {
  return columnValues(csv, index).length;
}
