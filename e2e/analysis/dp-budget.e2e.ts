// Issue 15's dp mode end to end: a grant with a privacy budget on-chain, analyses that reserve their
// cost before any site is asked, a site that computes only for the committed reservation that paid
// for exactly what it is asked, and noise fresh per reservation. Real NATS, the real ledger (child
// process, embedded ledger running the chaincode), a real storage node and the aggregation service.
import type { INestApplication } from '@nestjs/common';
import {
  AggregationRunAnalysis,
  LedgerChaincodeErrorCode,
  LedgerGetBudget,
  LedgerReserveBudget,
  PhdmfError,
  StorageSummarize,
  type AnalysisResult,
  type LedgerStatistic,
} from '@phdmf/contracts';
import type { ActorHeader } from '@phdmf/messaging';
import { LocalApi, World, type Site } from '../../apps/data-storage/test-support/world';
import { startAggregation } from './support/aggregation';
import { SummaryTap } from './support/summary-tap';

const AGGREGATION: ActorHeader = { userId: 'aggregation', roles: ['service'] };

/** 300 patients with systolic blood pressure spread over 95–185, and a ward (categorical: no grid, no dp release). */
function vitalsCsv(): { csv: string; sbp: number[] } {
  const lines = ['id,sbp,ward'];
  const sbp: number[] = [];
  for (let i = 0; i < 300; i++) {
    const value = Math.round((95 + ((i * 37) % 90) + (i % 7) / 10) * 10) / 10;
    sbp.push(value);
    lines.push(`${i + 1},${value},${['north', 'south', 'east'][i % 3] ?? ''}`);
  }
  return { csv: `${lines.join('\n')}\n`, sbp };
}

const researcher = (userId: string): ActorHeader => ({ userId, roles: ['researcher'] });

describe('dp mode: the budget on-chain, the chaincode as accountant (real NATS, ledger, storage node, aggregation)', () => {
  let world: World;
  let site: Site;
  let aggregation: INestApplication;
  let tap: SummaryTap;
  let datasetId: string;
  const data = vitalsCsv();
  const trueMean = data.sbp.reduce((a, b) => a + b, 0) / data.sbp.length;

  const run = (who: ActorHeader, p: Omit<AggregationRunAnalysis.Payload, 'datasets'>): Promise<AnalysisResult> =>
    world.bus.request(AggregationRunAnalysis.CONTRACT, { datasets: [datasetId], ...p }, { actor: who, timeoutMs: 60_000 });
  const refusal = (promise: Promise<unknown>): Promise<PhdmfError> =>
    promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: unknown) => error as PhdmfError,
    );
  const grantDp = (who: ActorHeader, budgetRho: number, statistics: LedgerStatistic[] = ['count', 'mean', 'sd', 'min']): Promise<string> =>
    world.grant({ datasetId, owner: site.organisationId, requester: who.userId, columns: ['sbp', 'ward'], statistics, privacy: { privacyMode: 'dp', budgetRho } });

  beforeAll(async () => {
    world = await World.start();
    const member = await world.admit('hospital-a', 'node-a');
    site = await world.startSite(member);
    aggregation = await startAggregation(world.nats.url, world.root, world.logger, { SITE_TIMEOUT_MS: '20000', ANALYSES_PER_HOUR: '1000' });
    tap = await SummaryTap.open(world.nats.url, [member.nodeId]);
    const staff = new LocalApi(site, await world.token({ userId: 'staff-a', organisationId: site.organisationId, roles: ['member'] }));
    const res = await staff.upload(data.csv, 'name=vitals&fileName=vitals.csv');
    expect(res.status).toBe(201);
    datasetId = (res.json as { datasetId: string }).datasetId;
  }, 180_000);

  afterAll(async () => {
    await tap.close().catch(() => undefined);
    await aggregation.close().catch(() => undefined);
    await world.dispose();
  });

  it('a budget for 3 analyses gives 3 noisy results with their noise sd and interval, then BUDGET.EXHAUSTED with no site asked; the chain holds 3 spends', async () => {
    const who = researcher('researcher-budget-3');
    const requestId = await grantDp(who, 0.3);
    const means: number[] = [];
    for (let k = 0; k < 3; k++) {
      const result = await run(who, { columns: ['sbp'], statistics: ['mean'], rho: 0.1 });
      expect(result.privacy).toMatchObject({ mode: 'dp', rho: 0.1 });
      const sbp = result.columns[0];
      const mean = sbp?.mean ?? NaN;
      const noise = sbp?.noise?.mean;
      expect(noise?.sd).toBeGreaterThan(0);
      expect(noise?.interval[0]).toBeLessThan(mean);
      expect(noise?.interval[1]).toBeGreaterThan(mean);
      // 8 noise sd: the released mean is about the truth, and no exact number came back.
      expect(Math.abs(mean - trueMean)).toBeLessThan(8 * (noise?.sd ?? 0) + 1e-9);
      expect(sbp?.min).toBeUndefined();
      means.push(mean);
    }
    // Fresh noise per reservation: asking again does not give the same number.
    expect(new Set(means).size).toBe(3);

    const before = await tap.countFor(datasetId);
    const refused = await refusal(run(who, { columns: ['sbp'], statistics: ['mean'], rho: 0.1 }));
    expect(refused.code).toBe(LedgerChaincodeErrorCode.BudgetExhausted);
    expect(await tap.countFor(datasetId)).toBe(before);

    const budget = await world.bus.request(LedgerGetBudget.CONTRACT, { requestId }, { actor: AGGREGATION });
    expect(budget.spends).toHaveLength(3);
    expect(budget.leftRho).toBeLessThan(1e-9);
  });

  it('releases a noisy histogram on the declared grid (every cell, each with its noise) and quantiles read off it', async () => {
    const who = researcher('researcher-histogram');
    await grantDp(who, 1, ['count', 'histogram', 'quantiles']);
    const result = await run(who, { columns: ['sbp'], statistics: ['histogram', 'quantiles'], histograms: [{ column: 'sbp', edges: [90, 190] }], probabilities: [0.5], rho: 0.5 });
    const sbp = result.columns[0];
    const h = sbp?.histogram;
    expect(h?.edges.length).toBeGreaterThan(2);
    expect(sbp?.noise?.histogram).toHaveLength(h?.counts.length ?? -1);
    // Noisy cells: their total is near the 300 records, each cell's noise sd stated.
    const total = (h?.counts ?? []).reduce<number>((a, c) => a + (c ?? 0), 0);
    expect(Math.abs(total - 300)).toBeLessThan(60);
    const median = [...data.sbp].sort((a, b) => a - b)[150] ?? NaN;
    const q = sbp?.quantiles?.[0];
    expect(q?.p).toBe(0.5);
    expect(Math.abs((q?.value ?? NaN) - median)).toBeLessThan(15);
    expect(sbp?.noise?.quantiles?.[0]?.sd).toBeGreaterThan(0);
  });

  it('refuses min and max on a dp grant (400 code) before reserving anything', async () => {
    const who = researcher('researcher-extremes');
    const requestId = await grantDp(who, 1);
    const refused = await refusal(run(who, { columns: ['sbp'], statistics: ['min'] }));
    expect(refused.code).toBe('ANALYSIS.DP_STATISTIC_UNAVAILABLE');
    expect((await world.bus.request(LedgerGetBudget.CONTRACT, { requestId }, { actor: AGGREGATION })).spends).toHaveLength(0);
  });

  it('gives the reservation back when every site refused before computing (a column without a grid): nothing is spent', async () => {
    const who = researcher('researcher-refused');
    const requestId = await grantDp(who, 0.1);
    const refused = await refusal(run(who, { columns: ['ward'], statistics: ['count'], rho: 0.1 }));
    expect(refused.code).toBe('ANALYSIS.SITE_FAILED');
    expect(refused.details).toMatchObject({ cause: 'DISCLOSURE.DP_NO_GRID' });
    const budget = await world.bus.request(LedgerGetBudget.CONTRACT, { requestId }, { actor: AGGREGATION });
    expect([budget.spends.length, budget.leftRho]).toEqual([0, 0.1]);
    // The whole budget is there for an analysis the site can answer.
    expect((await run(who, { columns: ['sbp'], statistics: ['count'], rho: 0.1 })).columns[0]?.noise?.count?.sd).toBeGreaterThan(0);
  });

  it('40 analyses at once on a budget for 10: exactly 10 complete, 30 are refused BUDGET.EXHAUSTED, the chain records 10 spends', async () => {
    const who = researcher('researcher-forty');
    const requestId = await grantDp(who, 1);
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, () => run(who, { columns: ['sbp'], statistics: ['count'], rho: 0.1 })));
    const completed = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => (o.reason as PhdmfError).code);
    expect(completed).toHaveLength(10);
    expect(refused).toEqual(Array.from({ length: 30 }, () => LedgerChaincodeErrorCode.BudgetExhausted));
    const budget = await world.bus.request(LedgerGetBudget.CONTRACT, { requestId }, { actor: AGGREGATION });
    expect(budget.spends).toHaveLength(10);
  }, 120_000);

  describe('a site asked directly, as an attacker would', () => {
    const who = researcher('researcher-direct');
    const ask = (p: Partial<StorageSummarize.Payload>): Promise<unknown> =>
      world.bus.request(
        StorageSummarize.contractFor(site.nodeId),
        { analysisId: `an-direct-${Math.random().toString(36).slice(2)}`, datasetId, requester: who.userId, columns: ['sbp'], statistics: ['count', 'mean'], ...p },
        { actor: who, timeoutMs: 20_000 },
      );
    let requestId: string;

    beforeAll(async () => {
      requestId = await grantDp(who, 1);
    });

    it('refuses a summary without a reservation', async () => {
      expect((await refusal(ask({}))).code).toBe(LedgerChaincodeErrorCode.BudgetReservationMismatch);
    });

    it('refuses a summary naming a reservation that does not exist', async () => {
      expect((await refusal(ask({ reservationTxId: 'f'.repeat(64) }))).code).toBe(LedgerChaincodeErrorCode.BudgetReservationNotFound);
    });

    it('refuses a summary asking more than its committed reservation paid for (count paid, count and mean asked)', async () => {
      const analysisId = `an-cheap-${Math.random().toString(36).slice(2)}`;
      const reserved = await world.bus.request(
        LedgerReserveBudget.CONTRACT,
        { analysisId, requester: who.userId, statistics: ['count'], grants: [{ requestId, datasetId, quantities: [{ column: 'sbp', quantity: 'count', rho: 0.01 }] }] },
        { actor: AGGREGATION },
      );
      expect((await refusal(ask({ analysisId, reservationTxId: reserved.txId, statistics: ['count', 'mean'] }))).code).toBe(LedgerChaincodeErrorCode.BudgetReservationMismatch);
      // The control: exactly what was paid for is answered, noisy, naming the reservation.
      const answer = (await ask({ analysisId, reservationTxId: reserved.txId, statistics: ['count'] })) as StorageSummarize.Result;
      expect(answer.body.privacy).toEqual({ mode: 'dp', reservationTxId: reserved.txId });
      expect(answer.body.columns[0]?.noisy?.count?.sd).toBeGreaterThan(0);
      expect(answer.body.columns[0]?.count).toBeUndefined();
      expect(answer.body.rowCount).toBe(0);
    });
  });

  it('controlled grants still answer alike when asked again (no fresh noise outside dp)', async () => {
    const who = researcher('researcher-controlled');
    await world.grant({ datasetId, owner: site.organisationId, requester: who.userId, columns: ['sbp'], statistics: ['count', 'mean', 'max'] });
    const [a, b] = [await run(who, { columns: ['sbp'], statistics: ['mean', 'max'] }), await run(who, { columns: ['sbp'], statistics: ['mean', 'max'] })];
    expect(a.privacy).toBeUndefined();
    expect([a.columns[0]?.mean, a.columns[0]?.max]).toEqual([b.columns[0]?.mean, b.columns[0]?.max]);
    expect(a.columns[0]?.noise).toBeUndefined();
  });
});
