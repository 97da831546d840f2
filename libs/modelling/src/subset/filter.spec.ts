import { ModellingErrorCode } from '@phdmf/contracts';
import { codeOf } from '../testing/refusal';
import type { DatasetSchema } from '../schema';
import { withTable } from '../testing/duckdb';
import { filterColumns, parseFilter, type Filter } from './filter';
import { checkSubset } from '../disclosure';
import { filterSql, matchesFilter, subsetCountsSql, type RecordValue } from './filter-sql';
import { bandOf, parseStratum, stratumKeySql } from './stratum';

const schema: DatasetSchema = { columns: ['age', 'sex', 'visit', 'we"ird'], columnTypes: ['numeric', 'categorical', 'date', 'categorical'] };
const records: Record<string, RecordValue>[] = Array.from({ length: 40 }, (_, i) => ({
  age: i % 7 === 0 ? null : 20 + ((i * 37) % 70),
  sex: i % 5 === 0 ? null : i % 2 === 0 ? 'F' : "M'",
  visit: i % 11 === 0 ? null : `2024-0${1 + (i % 9)}-1${i % 10}`,
  'we"ird': i % 3 === 0 ? 'x' : 'y',
}));


async function selectedInDuckDb(filter: Filter): Promise<number[]> {
  const { sql, params } = filterSql(filter, schema);
  return withTable(schema, records, async (query) => {
    const rows = await query(`SELECT rowid FROM t WHERE ${sql} ORDER BY rowid`, params);
    return rows.map((r) => Number(r[0]));
  });
}

describe('subset filters', () => {
  const filters: unknown[] = [
    { column: 'age', op: '>', value: 60 },
    { not: { column: 'age', op: '>', value: 60 } },
    { and: [{ column: 'age', op: '>=', value: 30 }, { column: 'sex', op: '=', value: "M'" }] },
    { or: [{ column: 'sex', op: 'in', value: ['F', 'nobody'] }, { column: 'age', op: 'is missing' }] },
    { not: { column: 'sex', op: '!=', value: 'F' } },
    { column: 'visit', op: '<', value: '2024-05-01' },
    { not: { or: [{ column: 'visit', op: 'is missing' }, { column: 'we"ird', op: '=', value: 'x' }] } },
  ];

  it.each(filters.map((f) => [JSON.stringify(f), f]))('select in DuckDB what they select in JavaScript: %s', async (_, input) => {
    const filter = parseFilter(input, schema);
    const expected = records.flatMap((r, i) => (matchesFilter(filter, r) ? [i] : []));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(records.length);
    expect(await selectedInDuckDb(filter)).toEqual(expected);
  });

  it('make a filter and its negation partition the records, missing values included', async () => {
    const f = parseFilter({ column: 'age', op: '>', value: 60 }, schema);
    const inside = await selectedInDuckDb(f);
    const outside = await selectedInDuckDb({ not: f });
    expect([...inside, ...outside].sort((a, b) => a - b)).toEqual(records.map((_, i) => i));
  });

  it('pass values as parameters and identifiers from the schema, so injection attempts select nothing odd', async () => {
    const attack = parseFilter({ column: 'sex', op: '=', value: "F' OR '1'='1" }, schema);
    const { sql, params } = filterSql(attack, schema);
    expect(sql).not.toContain('OR');
    expect(params).toEqual(["F' OR '1'='1"]);
    expect(await selectedInDuckDb(attack)).toEqual([]);
    expect(filterSql(parseFilter({ column: 'we"ird', op: '=', value: 'x' }, schema), schema).sql).toBe('COALESCE("we""ird" = CAST(? AS VARCHAR), FALSE)');
    expect(codeOf(() => parseFilter({ column: 'age; DROP TABLE t', op: '=', value: 1 }, schema))).toBe(ModellingErrorCode.UNKNOWN_COLUMN);
  });

  it('refuse malformed trees, unknown columns, type mismatches and oversized trees with stable codes', () => {
    const cases: [unknown, string][] = [
      [{ column: 'nope', op: '=', value: 1 }, ModellingErrorCode.UNKNOWN_COLUMN],
      [{ column: 'age', op: '=', value: '60' }, ModellingErrorCode.TYPE_MISMATCH],
      [{ column: 'age', op: '=', value: Infinity }, ModellingErrorCode.TYPE_MISMATCH],
      [{ column: 'sex', op: '<', value: 'F' }, ModellingErrorCode.TYPE_MISMATCH],
      [{ column: 'sex', op: '=', value: 1 }, ModellingErrorCode.TYPE_MISMATCH],
      [{ column: 'visit', op: '>', value: '2024-02-30' }, ModellingErrorCode.TYPE_MISMATCH],
      [{ column: 'age', op: 'like', value: 1 }, ModellingErrorCode.REQUEST_INVALID],
      [{ column: 'age', op: 'is missing', value: 1 }, ModellingErrorCode.REQUEST_INVALID],
      [{ column: 'age', op: 'in', value: [] }, ModellingErrorCode.REQUEST_INVALID],
      [{ and: [] }, ModellingErrorCode.REQUEST_INVALID],
      [{ and: [{ column: 'age', op: 'is missing' }], or: [] }, ModellingErrorCode.REQUEST_INVALID],
      [{ column: 'age', op: '=', value: 1, sql: 'x' }, ModellingErrorCode.REQUEST_INVALID],
      ['age > 60', ModellingErrorCode.REQUEST_INVALID],
      [{ column: 'age', op: 'in', value: Array.from({ length: 101 }, (_, i) => i) }, ModellingErrorCode.TOO_LARGE],
      [Array.from({ length: 9 }).reduce<unknown>((f) => ({ not: f }), { column: 'age', op: 'is missing' }), ModellingErrorCode.TOO_LARGE],
      [{ or: Array.from({ length: 64 }, () => ({ column: 'age', op: 'is missing' })) }, ModellingErrorCode.TOO_LARGE],
    ];
    for (const [input, code] of cases) expect([JSON.stringify(input).slice(0, 60), codeOf(() => parseFilter(input, schema))]).toEqual([JSON.stringify(input).slice(0, 60), code]);
  });

  it('count a subset and the whole at a site, so that a subset of a few records, or all but a few, is refused', async () => {
    const check = async (input: unknown) => {
      const { sql, params } = subsetCountsSql(filterSql(parseFilter(input, schema), schema), 't');
      const [inSubset, total] = await withTable(schema, records, async (query) => ((await query(sql, params))[0] ?? []).map(Number));
      return codeOf(() => {
        checkSubset(inSubset ?? NaN, total ?? NaN, 5);
      });
    };
    const oldest = Math.max(...records.map((r) => (r['age'] as number | null) ?? -Infinity));
    expect(await check({ column: 'age', op: '>=', value: oldest })).toBe(ModellingErrorCode.SUBSET_TOO_SMALL);
    expect(await check({ not: { column: 'age', op: '>=', value: oldest } })).toBe(ModellingErrorCode.COMPLEMENT_TOO_SMALL);
    expect(await check({ column: 'sex', op: '=', value: 'F' })).toBeUndefined();
  });

  it('name the columns they read', () => {
    expect(filterColumns(parseFilter({ or: [{ column: 'sex', op: '=', value: 'F' }, { not: { column: 'age', op: 'is missing' } }, { column: 'age', op: '>', value: 1 }] }, schema))).toEqual(['age', 'sex']);
  });
});

describe('strata', () => {
  it('key records by category, or by the declared grid’s bands, the same in DuckDB as in JavaScript', async () => {
    const grids = { age: { lower: 20, upper: 80, binWidth: 20 } };
    expect(parseStratum({ column: 'sex' }, schema, grids)).toEqual({ column: 'sex', kind: 'levels' });
    const bands = parseStratum({ column: 'age' }, schema, grids);
    if (bands.kind !== 'bands') throw new Error('expected bands');
    expect(bands.edges).toEqual([20, 40, 60, 80]);
    const { sql, params } = stratumKeySql(bands, schema);
    const keys = await withTable(schema, records, async (query) => (await query(`SELECT ${sql} FROM t ORDER BY rowid`, params)).map((r) => r[0]));
    expect(keys).toEqual(records.map((r) => bandOf(r['age'] as number | null, bands.edges)));
    expect(new Set(keys)).toEqual(new Set([null, '[20,40)', '[40,60)', '[60,80)', '>=80']));
    expect(codeOf(() => parseStratum({ column: 'visit' }, schema, grids))).toBe(ModellingErrorCode.TYPE_MISMATCH);
    expect(codeOf(() => parseStratum({ column: 'age' }, schema, {}))).toBe(ModellingErrorCode.TYPE_MISMATCH);
    expect(codeOf(() => parseStratum({ column: 'x' }, schema, grids))).toBe(ModellingErrorCode.UNKNOWN_COLUMN);
  });
});
