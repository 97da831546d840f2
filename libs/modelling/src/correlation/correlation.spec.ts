import { ModellingErrorCode } from '@phdmf/contracts';
import { healthRecords, healthSchema } from '../testing/data';
import { withTable } from '../testing/duckdb';
import { codeOf } from '../testing/refusal';
import { hasR, relativeError, runR, toCsv } from '../testing/r';
import { checkPairCounts, correlationFromRow, correlationSql, pairMoments, pairsOf, poolCorrelationMoments, type CorrelationMoments } from './moments';
import { correlationMatrix } from './pearson';

const sites = [healthRecords(11, 300), healthRecords(12, 250), healthRecords(13, 400)];
const columns = ['age', 'bmi', 'sbp'];

function jsMoments(records: (typeof sites)[number]): CorrelationMoments {
  const col = (c: string) => records.map((r) => r[c] as number | null);
  return { columns, pairs: pairsOf(columns.length).map(([i, j]) => pairMoments(col(columns[i] ?? ''), col(columns[j] ?? ''))) };
}

function expectClose(a: CorrelationMoments, b: CorrelationMoments, tolerance: number): void {
  a.pairs.forEach((p, k) => {
    const q = b.pairs[k];
    expect(p.n).toBe(q?.n);
    for (const key of ['meanX', 'meanY', 'sxx', 'syy', 'sxy'] as const) expect(relativeError(p[key], q?.[key] ?? NaN)).toBeLessThan(tolerance);
  });
}

describe('correlation and covariance', () => {
  it("compute a site's pairwise moments in DuckDB as in JavaScript, and pool them to the concatenated data's", async () => {
    const { sql, params } = correlationSql(healthSchema, 't', columns);
    const parts = await Promise.all(sites.map((records) => withTable(healthSchema, records, async (query) => correlationFromRow(columns, (await query(sql, params))[0] ?? []))));
    parts.forEach((part, i) => {
      expectClose(part, jsMoments(sites[i] ?? []), 1e-10);
    });
    expectClose(poolCorrelationMoments(parts), jsMoments(sites.flat()), 1e-10);
    expect(poolCorrelationMoments(parts).pairs[1]?.n).toBe(sites.flat().filter((r) => r['bmi'] !== null).length);
  });

  (hasR ? it : it.skip)("give R's cov(pairwise.complete.obs) and cor.test's r, p-value and interval", () => {
    const m = correlationMatrix(poolCorrelationMoments(sites.map(jsMoments)));
    const r = runR(
      `d <- read.csv("data.csv"); x <- d[, c("age", "bmi", "sbp")]
       cat(cov(x, use = "pairwise.complete.obs"), sep = "\\n")
       for (p in list(c("age", "bmi"), c("age", "sbp"), c("bmi", "sbp"))) { t <- cor.test(d[[p[1]]], d[[p[2]]]); cat(t$estimate, t$p.value, t$conf.int, sep = "\\n") }`,
      toCsv(healthSchema.columns, sites.flat()),
    );
    m.covariance.flat().forEach((c, k) => {
      expect(relativeError(c ?? NaN, r[k] ?? NaN)).toBeLessThan(1e-9);
    });
    m.pairs.forEach((pair, k) => {
      const [estimate, pValue, lower, upper] = r.slice(9 + 4 * k, 13 + 4 * k);
      expect(relativeError(pair.r ?? NaN, estimate ?? NaN)).toBeLessThan(1e-9);
      expect(relativeError(pair.pValue ?? NaN, pValue ?? NaN)).toBeLessThan(1e-6);
      expect(relativeError(pair.interval?.[0] ?? NaN, lower ?? NaN)).toBeLessThan(1e-8);
      expect(relativeError(pair.interval?.[1] ?? NaN, upper ?? NaN)).toBeLessThan(1e-8);
    });
    expect(m.pairs.map((p) => p.pValue).some((p) => (p ?? 1) < 1e-20)).toBe(true);
  });

  it('refuse a pair over fewer records than the threshold, and only numeric columns', () => {
    const few = healthRecords(14, 60).map((r, i): (typeof sites)[number][number] => ({ ...r, bmi: i < 3 ? 25 : null }));
    const m = jsMoments(few);
    expect(codeOf(() => {
      checkPairCounts(m, 5);
    })).toBe(ModellingErrorCode.SUBSET_TOO_SMALL);
    expect(codeOf(() => {
      checkPairCounts(jsMoments(sites[0] ?? []), 5);
    })).toBeUndefined();
    expect(codeOf(() => correlationSql(healthSchema, 't', ['age', 'sex']))).toBe(ModellingErrorCode.TYPE_MISMATCH);
  });
});
