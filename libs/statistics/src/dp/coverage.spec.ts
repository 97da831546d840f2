// Acceptance (issue 15): in 1,000 dp analyses of one dataset, the true value lies inside the
// reported 95 % interval 930-970 times. Each analysis: three sites release noisy count and sum of
// systolic blood pressure (the plan for count + mean at ρ = 0.1), the pool derives the count and
// mean with their intervals. The random source is seeded so CI is deterministic; to run it on
// node:crypto instead: DP_COVERAGE_UNSEEDED=1 npx jest libs/statistics/src/dp/coverage.spec.ts
import type { ColumnGrid } from '../grid';
import { poolDpColumn } from './pool';
import { planDpRelease, plannedFor } from './plan';
import { cryptoRandom, seededRandom } from './random';
import { dpSufficientStatistics, noisyColumnSummary } from './site-summary';
import { syntheticReadings } from './testing';

const ANALYSES = 1000;

describe('coverage of dp intervals', () => {
  it('the true pooled count, mean and SD lie inside the 95 % interval in 930-970 of 1,000 analyses', () => {
    const dataRng = seededRandom(2026);
    const sites: { grid: ColumnGrid; values: number[] }[] = [
      { grid: { lower: 80, upper: 220, binWidth: 5 }, values: syntheticReadings(dataRng, 1200, 128, 16, 85, 215) },
      { grid: { lower: 90, upper: 210, binWidth: 10 }, values: syntheticReadings(dataRng, 800, 135, 19, 95, 205) },
      { grid: { lower: 80, upper: 220, binWidth: 5 }, values: syntheticReadings(dataRng, 500, 141, 14, 85, 215) },
    ];
    const all = sites.flatMap((s) => s.values);
    const trueCount = all.length;
    const trueMean = all.reduce((a, v) => a + v, 0) / trueCount;
    const trueSd = Math.sqrt(all.reduce((a, v) => a + (v - trueMean) ** 2, 0) / (trueCount - 1));
    const plan = planDpRelease({ columns: ['systolic_bp'], statistics: ['count', 'mean', 'sd'], rho: 0.1 });
    if (!plan.ok) throw new Error('no plan');
    const planned = plannedFor(plan.items, 'systolic_bp');
    // The DuckDB path: aggregates once per site, fresh noise per analysis.
    const aggregates = sites.map((s) => dpSufficientStatistics(s.values, s.grid));
    const random = process.env['DP_COVERAGE_UNSEEDED'] === '1' ? cryptoRandom : seededRandom(15);
    const inside = { count: 0, mean: 0, sd: 0 };
    for (let i = 0; i < ANALYSES; i++) {
      const parts = sites.map((s, k) => noisyColumnSummary({ grid: s.grid, data: aggregates[k] ?? s.values, planned, random }));
      const pooled = poolDpColumn(parts, { statistics: ['count', 'mean', 'sd'] });
      const covers = (interval: [number, number] | undefined, truth: number): boolean => interval !== undefined && interval[0] <= truth && truth <= interval[1];
      if (covers(pooled.count?.interval, trueCount)) inside.count++;
      if (covers(pooled.mean?.interval, trueMean)) inside.mean++;
      if (covers(pooled.sd?.interval, trueSd)) inside.sd++;
    }
    expect(inside.count).toBeGreaterThanOrEqual(930);
    expect(inside.count).toBeLessThanOrEqual(970);
    expect(inside.mean).toBeGreaterThanOrEqual(930);
    expect(inside.mean).toBeLessThanOrEqual(970);
    expect(inside.sd).toBeGreaterThanOrEqual(930);
    expect(inside.sd).toBeLessThanOrEqual(970);
  });
});
