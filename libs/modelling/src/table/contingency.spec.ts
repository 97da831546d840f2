import { healthRecords, healthSchema } from '../testing/data';
import { withTable } from '../testing/duckdb';
import { hasR, relativeError, runR, toCsv } from '../testing/r';
import { parseFilter } from '../subset/filter';
import { filterSql, matchesFilter } from '../subset/filter-sql';
import { bandOf, parseStratum } from '../subset/stratum';
import { chiSquareTest } from './chi-square';
import { countCrossTable, crossTableFromRows, crossTableSql, poolCrossTables, type CrossTable } from './contingency';
import { suppressCrossTable } from './suppress';

const sites = [healthRecords(1, 300), healthRecords(2, 250), healthRecords(3, 400)];
const grids = { bmi: { lower: 15, upper: 40, binWidth: 5 } };
const smoker = parseStratum({ column: 'smoker' }, healthSchema, grids);
const bmi = parseStratum({ column: 'bmi' }, healthSchema, grids);
const bmiEdges = bmi.kind === 'bands' ? bmi.edges : [];
const subset = parseFilter({ column: 'age', op: '>=', value: 40 }, healthSchema);

async function siteTable(records: (typeof sites)[number]): Promise<CrossTable> {
  const { sql, params } = crossTableSql(healthSchema, 't', smoker, bmi, filterSql(subset, healthSchema));
  return withTable(healthSchema, records, async (query) => crossTableFromRows(await query(sql, params)));
}

describe('contingency tables', () => {
  it('count per cell in DuckDB as in JavaScript, and pool to the table of the concatenated records', async () => {
    const keys = (records: (typeof sites)[number]) =>
      records.filter((r) => matchesFilter(subset, r)).map((r): [string | null, string | null] => [r['smoker'] as string | null, bandOf(r['bmi'] as number | null, bmiEdges)]);
    const parts = await Promise.all(sites.map(siteTable));
    parts.forEach((part, i) => {
      expect(part).toEqual(countCrossTable(keys(sites[i] ?? [])));
    });
    expect(poolCrossTables(parts)).toEqual(countCrossTable(sites.flatMap(keys)));
    expect(poolCrossTables(parts).rows).toEqual(['current', 'former', 'never']);
  });

  it('count a one-way table', async () => {
    const { sql, params } = crossTableSql(healthSchema, 't', smoker, undefined);
    const table = await withTable(healthSchema, sites[0] ?? [], async (query) => crossTableFromRows(await query(sql, params)));
    expect(table.columns).toEqual(['']);
    expect(table.counts.flat().reduce<number>((s, n) => s + (n ?? 0), 0)).toBe((sites[0] ?? []).filter((r) => r['smoker'] !== null).length);
  });

  (hasR ? it : it.skip)("test independence as R's chisq.test(correct = FALSE)", async () => {
    const pooled = poolCrossTables(await Promise.all(sites.map(siteTable)));
    const test = chiSquareTest(pooled);
    const r = runR(
      `d <- read.csv("data.csv"); d <- d[d$age >= 40, ]; b <- cut(d$bmi, c(-Inf, 15, 20, 25, 30, 35, 40, Inf), right = FALSE)
       t <- chisq.test(table(d$smoker, droplevels(b)), correct = FALSE); cat(t$statistic, t$parameter, t$p.value, sep = "\\n")`,
      toCsv(healthSchema.columns, sites.flat()),
    );
    expect(test).toBeDefined();
    expect(relativeError(test?.statistic ?? NaN, r[0] ?? NaN)).toBeLessThan(1e-9);
    expect(test?.df).toBe(r[1]);
    expect(relativeError(test?.pValue ?? NaN, r[2] ?? NaN)).toBeLessThan(1e-6);
  });

  it('pool a withheld cell as withheld', () => {
    const a: CrossTable = { rows: ['a', 'b'], columns: ['x'], counts: [[null], [7]] };
    const b: CrossTable = { rows: ['b', 'c'], columns: ['x'], counts: [[3], [9]] };
    expect(poolCrossTables([a, b])).toEqual({ rows: ['a', 'b', 'c'], columns: ['x'], counts: [[null], [10], [9]] });
  });

  it('compute no test over withheld cells', () => {
    expect(chiSquareTest({ rows: ['a', 'b'], columns: ['x', 'y'], counts: [[10, null], [20, 30]] })).toBeUndefined();
  });

  it('blank small cells so that no line recovers them, margins by the one-way rule', () => {
    const table: CrossTable = { rows: ['a', 'b', 'c'], columns: ['x', 'y', 'z'], counts: [[2, 40, 50], [30, 35, 45], [0, 60, 1]] };
    const released = suppressCrossTable(table, 5);
    const lines = [...released.counts.map((line, i) => line.map((n, j) => [n, table.counts[i]?.[j] ?? 0] as const)), ...table.columns.map((_, j) => released.counts.map((line, i) => [line[j] ?? null, table.counts[i]?.[j] ?? 0] as const))];
    for (const line of lines) {
      const blanks = line.filter(([n]) => n === null);
      if (blanks.length > 0) {
        expect(blanks.length).toBeGreaterThanOrEqual(2);
        expect(blanks.reduce((s, [, n]) => s + n, 0)).toBeGreaterThanOrEqual(5);
      }
    }
    expect(released.counts[0]?.[0]).toBeNull();
    expect(released.counts[2]?.[2]).toBeNull();
    expect(released.counts[2]?.[0]).toBe(0);
    expect(released.rowTotals).toEqual([92, 110, 61]);
    expect(suppressCrossTable({ rows: ['a', 'b'], columns: [''], counts: [[3], [90]] }, 5).rowTotals).toEqual([null, null]);
  });
});
