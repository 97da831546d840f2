// Issue 15's attacks on the `controlled` release mode, each performed as an ordinary, correctly
// granted researcher would, through the aggregation service, against a real storage node over real
// NATS and the real ledger (child process, embedded ledger running the chaincode). Each asserts that
// the attack fails: what the researcher learns about the targeted record is no better than what the
// owner agreed to release.
import type { INestApplication } from '@nestjs/common';
import { AggregationRunAnalysis, LedgerGetDataset, type AnalysisColumn, type LedgerStatistic } from '@phdmf/contracts';
import type { ActorHeader } from '@phdmf/messaging';
import { ADMIN, LocalApi, World, type Site } from '../../apps/data-storage/test-support/world';
import { startAggregation } from './support/aggregation';

const researcher: ActorHeader = { userId: 'researcher-attacker', roles: ['researcher'] };
const STATISTICS: LedgerStatistic[] = ['count', 'sum', 'min', 'max', 'quantiles', 'histogram'];

/**
 * 120 patients: `sbp` spread over 100–180 with one distinctive highest reading, and `tiny`, a
 * column with only 10 values (the small column of the quantile attack).
 */
function vitalsCsv(changed?: { row: number; sbp: number }): { csv: string; sbp: number[]; tiny: number[] } {
  const lines = ['id,sbp,tiny'];
  const sbp: number[] = [];
  const tiny: number[] = [];
  for (let i = 0; i < 120; i++) {
    const value = i === changed?.row ? changed.sbp : i === 77 ? 213.37 : Math.round((100 + ((i * 37) % 80) + (i % 7) / 10) * 10) / 10;
    const small = i < 10 ? Math.round((61.3 + i * 4.1 + (i % 3) * 0.7) * 10) / 10 : undefined;
    sbp.push(value);
    if (small !== undefined) tiny.push(small);
    lines.push(`${i + 1},${value},${small ?? ''}`);
  }
  return { csv: `${lines.join('\n')}\n`, sbp, tiny };
}

describe('disclosure attacks on the controlled mode (real NATS, ledger, storage node, aggregation)', () => {
  let world: World;
  let site: Site;
  let aggregation: INestApplication;
  let datasetId: string;
  let staff: LocalApi;
  const data = vitalsCsv();

  const run = (p: Omit<AggregationRunAnalysis.Payload, 'datasets'>): Promise<AnalysisColumn> =>
    world.bus
      .request(AggregationRunAnalysis.CONTRACT, { datasets: [datasetId], ...p }, { actor: researcher, timeoutMs: 60_000 })
      .then((r) => {
        const column = r.columns[0];
        if (column === undefined) throw new Error('no column in the result');
        return column;
      });

  beforeAll(async () => {
    world = await World.start();
    const member = await world.admit('hospital-a', 'node-a');
    site = await world.startSite(member);
    aggregation = await startAggregation(world.nats.url, world.root, world.logger, { SITE_TIMEOUT_MS: '10000' });
    staff = new LocalApi(site, await world.token({ userId: 'staff-a', organisationId: site.organisationId, roles: ['member'] }));
    const res = await staff.upload(data.csv, 'name=vitals&fileName=vitals.csv');
    expect(res.status).toBe(201);
    datasetId = (res.json as { datasetId: string }).datasetId;
    await world.grant({ datasetId, owner: site.organisationId, requester: researcher.userId, columns: ['sbp', 'tiny'], statistics: STATISTICS });
  }, 180_000);

  afterAll(async () => {
    await aggregation.close().catch(() => undefined);
    await world.dispose();
  });

  it('averaging the min/max noise: asking again returns the same perturbed numbers, so k analyses teach no more than one', async () => {
    const mins: number[] = [];
    const maxes: number[] = [];
    for (let k = 0; k < 4; k++) {
      const sbp = await run({ columns: ['sbp'], statistics: ['min', 'max'] });
      expect(sbp.minMaxExact).toBe(false);
      mins.push(sbp.min ?? NaN);
      maxes.push(sbp.max ?? NaN);
    }
    expect(new Set(mins).size).toBe(1);
    expect(new Set(maxes).size).toBe(1);
    // The averaging estimator of the issue gets nowhere: with identical answers it is the released bound itself.
    const estimate = 2 * Math.max(...mins) - Math.min(...mins);
    expect(estimate).toBeLessThan(Math.min(...data.sbp));
  });

  it('quantile interpolation: no two released quantiles rest on the same two records, so the smallest value cannot be solved for', async () => {
    const n = data.tiny.length;
    const truth = Math.min(...data.tiny);
    // The attack: probabilities that all interpolate between the two smallest records, i.e. (n−1)p < 1.
    const released: { p: number; value: number }[] = [];
    for (const probabilities of [[0.05, 0.06, 0.07], [0.05, 0.1]]) {
      const tiny = await run({ columns: ['tiny'], statistics: ['count', 'quantiles'], probabilities });
      expect(tiny.count).toBe(n);
      for (const q of tiny.quantiles ?? []) released.push({ p: q.p, value: q.value });
    }
    // value = x0 + h·(x1 − x0) with h = (n−1)p: any two with distinct h below 1 solve for x0.
    const solutions: number[] = [];
    for (const a of released) {
      for (const b of released) {
        const [ha, hb] = [(n - 1) * a.p, (n - 1) * b.p];
        if (ha < hb && hb < 1) solutions.push((hb * a.value - ha * b.value) / (hb - ha));
      }
    }
    for (const x0 of solutions) expect(Math.abs(x0 - truth)).toBeGreaterThan(1e-6);
  });

  it('histogram narrowing: edges narrowed 100× per analysis locate the highest record no more finely than the declared grid', async () => {
    const truth = Math.max(...data.sbp);
    // The researcher's attack: 100 bins over the current interval, keep the highest cell that holds
    // anyone (a blank cell says "1–2 records here", an empty one "none"), and narrow to it.
    let [lo, hi] = [0, 1000];
    let narrowest = Infinity;
    for (let round = 0; round < 4 && Number.isFinite(hi - lo); round++) {
      const edges = Array.from({ length: 101 }, (_, i) => lo + ((hi - lo) * i) / 100);
      const sbp = await run({ columns: ['sbp'], statistics: ['count', 'histogram'], histograms: [{ column: 'sbp', edges }] });
      const h = sbp.histogram;
      if (h === undefined) break;
      const occupied = (n: number | null) => n === null || n > 0;
      if (occupied(h.above)) [lo, hi] = [h.edges[h.edges.length - 1] ?? NaN, Infinity];
      else {
        const top = h.counts.findLastIndex(occupied);
        if (top < 0) [lo, hi] = [-Infinity, h.edges[0] ?? NaN];
        else [lo, hi] = [h.edges[top] ?? NaN, h.edges[top + 1] ?? NaN];
      }
      narrowest = Math.min(narrowest, hi - lo);
    }
    expect(truth).toBeGreaterThanOrEqual(lo);
    expect(truth).toBeLessThanOrEqual(hi);
    // A blood pressure located to within a unit or less is one patient's reading.
    expect(narrowest).toBeGreaterThanOrEqual(1);
    const onChain = await world.bus.request(LedgerGetDataset.CONTRACT, { datasetId }, { actor: ADMIN });
    const grid = onChain.columnGrids?.find((g) => g.column === 'sbp');
    expect(grid).toBeDefined();
    expect(narrowest).toBeGreaterThanOrEqual(grid?.binWidth ?? Infinity);
  });

  it('a site that loosened its policy below the consortium\'s floor (exact min/max) is refused by the aggregation service', async () => {
    const member = await world.admit('hospital-b', 'node-b');
    const loose = await world.startSite(member, { DISCLOSURE_EXACT_MIN_MAX: 'true' });
    const staffB = new LocalApi(loose, await world.token({ userId: 'staff-b', organisationId: loose.organisationId, roles: ['member'] }));
    const res = await staffB.upload(data.csv, 'name=vitals-b&fileName=vitals-b.csv');
    expect(res.status).toBe(201);
    const looseDataset = (res.json as { datasetId: string }).datasetId;
    await world.grant({ datasetId: looseDataset, owner: loose.organisationId, requester: researcher.userId, columns: ['sbp'], statistics: ['count', 'min', 'max'] });
    const outcome = await world.bus
      .request(AggregationRunAnalysis.CONTRACT, { datasets: [looseDataset], columns: ['sbp'], statistics: ['count', 'min', 'max'] }, { actor: researcher, timeoutMs: 60_000 })
      .then(
        (result) => ({ max: result.columns[0]?.max }),
        (error: unknown) => ({ error: error as { code: string } }),
      );
    // Accepted, the exact maximum — one patient's reading — would be released.
    expect(outcome).toMatchObject({ error: { code: 'ANALYSIS.SITE_POLICY_BELOW_FLOOR' } });
  });

  // Last: it uploads a second version of the dataset the other attacks use.
  it('version differencing: the same analysis after the owner uploads version 2 is refused under the version-1 grant', async () => {
    const before = await run({ columns: ['sbp'], statistics: ['count', 'sum'] });
    // Version 2 changes one patient's reading: the difference of two sums would be exactly that change.
    const v2 = vitalsCsv({ row: 5, sbp: 151.9 });
    const uploaded = await staff.call('POST', `/datasets/${datasetId}/versions?fileName=vitals-v2.csv`, v2.csv);
    expect(uploaded.status).toBe(201);
    const after = await run({ columns: ['sbp'], statistics: ['count', 'sum'] }).then(
      (column) => ({ column }),
      (error: unknown) => ({ error: error as { code: string } }),
    );
    // Not refused, the attack would learn the changed reading's difference: after.column.sum − before.sum.
    expect(after).toMatchObject({ error: { code: 'ACCESS.VERSION_NOT_COVERED' } });
    expect(before.count).toBe(data.sbp.length);
  });
});
