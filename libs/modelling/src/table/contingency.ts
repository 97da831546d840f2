// Contingency tables of one or two strata (a categorical column, or a numeric column's grid bands):
// a site counts its records per cell, the aggregation adds the sites' tables cell by cell. A
// one-way table is a two-way table with a single column, labelled ''.
import type { SqlCondition } from '../subset/filter-sql';
import { stratumKeySql, type Stratum } from '../subset/stratum';
import type { DatasetSchema } from '../schema';

export interface CrossTable {
  rows: string[];
  columns: string[];
  /** counts[i][j]: records in row level i and column level j; null where a site withheld its part. */
  counts: (number | null)[][];
}

export const ONE_WAY_COLUMN = '';

/**
 * The site's query: records per (row level, column level) among those in the subset with both
 * keys present (a record missing either belongs to no cell, as R's table() drops NA). `from` is the
 * site's own relation (its table or file scan), never request text.
 */
export function crossTableSql(schema: DatasetSchema, from: string, row: Stratum, column: Stratum | undefined, subset?: SqlCondition): SqlCondition {
  const r = stratumKeySql(row, schema);
  const c = column === undefined ? { sql: 'CAST(? AS VARCHAR)', params: [ONE_WAY_COLUMN] } : stratumKeySql(column, schema);
  const where = [`(${r.sql}) IS NOT NULL`, `(${c.sql}) IS NOT NULL`, ...(subset === undefined ? [] : [subset.sql])];
  // The key expressions appear twice (SELECT and WHERE), so their parameters do too, in text order.
  return {
    sql: `SELECT ${r.sql} AS r, ${c.sql} AS c, COUNT(*) AS n FROM ${from} WHERE ${where.join(' AND ')} GROUP BY 1, 2`,
    params: [...r.params, ...c.params, ...r.params, ...c.params, ...(subset?.params ?? [])],
  };
}

/** The query's rows (level, level, count) as a table, levels sorted by code point. */
export function crossTableFromRows(rows: readonly (readonly unknown[])[]): CrossTable {
  const cells = rows.map(([r, c, n]) => ({ r: String(r), c: String(c), n: Number(n) }));
  return tableOf(cells);
}

/** The same count over records in JavaScript (the reference for the SQL). */
export function countCrossTable(keys: readonly (readonly [string | null, string | null])[]): CrossTable {
  const counts = new Map<string, { r: string; c: string; n: number }>();
  for (const [r, c] of keys) {
    if (r === null || c === null) continue;
    const k = JSON.stringify([r, c]);
    const cell = counts.get(k) ?? { r, c, n: 0 };
    cell.n++;
    counts.set(k, cell);
  }
  return tableOf([...counts.values()]);
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function tableOf(cells: readonly { r: string; c: string; n: number | null }[]): CrossTable {
  const rows = [...new Set(cells.map((x) => x.r))].sort(byCodePoint);
  const columns = [...new Set(cells.map((x) => x.c))].sort(byCodePoint);
  const counts = rows.map(() => columns.map<number | null>(() => 0));
  for (const { r, c, n } of cells) {
    const line = counts[rows.indexOf(r)];
    if (line !== undefined) line[columns.indexOf(c)] = n;
  }
  return { rows, columns, counts };
}

/**
 * The sites' tables added cell by cell over the union of their levels (a level a site lacks is 0
 * there). A cell withheld (null) at any site is null in the pool: adding the others would understate it.
 */
export function poolCrossTables(parts: readonly CrossTable[]): CrossTable {
  const rows = [...new Set(parts.flatMap((p) => p.rows))].sort(byCodePoint);
  const columns = [...new Set(parts.flatMap((p) => p.columns))].sort(byCodePoint);
  const counts = rows.map((r) =>
    columns.map((c) =>
      parts.reduce<number | null>((sum, p) => {
        const i = p.rows.indexOf(r);
        const j = p.columns.indexOf(c);
        const cell = i < 0 || j < 0 ? 0 : p.counts[i]?.[j];
        const n = cell === undefined ? 0 : cell;
        return sum === null || n === null ? null : sum + n;
      }, 0),
    ),
  );
  return { rows, columns, counts };
}

/** Row and column totals and the grand total of a table without withheld cells. */
export function margins(t: CrossTable): { rowTotals: number[]; columnTotals: number[]; total: number } {
  const value = (n: number | null) => {
    if (n === null) throw new Error('a table with withheld cells has no exact margins');
    return n;
  };
  const rowTotals = t.counts.map((line) => line.reduce<number>((s, n) => s + value(n), 0));
  const columnTotals = t.columns.map((_, j) => t.counts.reduce<number>((s, line) => s + value(line[j] === undefined ? 0 : line[j]), 0));
  return { rowTotals, columnTotals, total: rowTotals.reduce((a, b) => a + b, 0) };
}
