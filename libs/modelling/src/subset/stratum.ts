// Strata: the levels whose records each get the statistics. A categorical column's levels are its
// values; a numeric column's are the bands of its declared grid (ColumnGrid), so that strata cut
// a column no finer than the histogram grid the owner agreed to release.
import { ModellingErrorCode, PhdmfError } from '@phdmf/contracts';
import { gridEdges, type ColumnGrid } from '@phdmf/statistics';
import { columnType, invalid, quotedColumn, type DatasetSchema } from '../schema';
import type { SqlCondition } from './filter-sql';

export type Stratum = { column: string; kind: 'levels' } | { column: string; kind: 'bands'; edges: number[] };

/**
 * The stratum a request names (`{ "column": "sex" }` or `{ "column": "age" }`), checked: a
 * categorical column stratifies by its levels; a numeric one by its grid's bands (it needs a grid);
 * a date column cannot stratify (MODEL.TYPE_MISMATCH).
 */
export function parseStratum(input: unknown, schema: DatasetSchema, grids: Readonly<Record<string, ColumnGrid>>): Stratum {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('$', 'A stratum is an object { "column": … }');
  const { column } = input as Record<string, unknown>;
  if (typeof column !== 'string' || Object.keys(input).length !== 1) throw invalid('$', 'A stratum has exactly one key, "column" (a string)');
  const type = columnType(schema, column, '$.column');
  if (type === 'categorical') return { column, kind: 'levels' };
  const grid = grids[column];
  if (type !== 'numeric' || grid === undefined) {
    throw new PhdmfError(ModellingErrorCode.TYPE_MISMATCH, `"${column}" cannot stratify: a stratum is a categorical column or a numeric column with a declared grid`, { column });
  }
  return { column, kind: 'bands', edges: gridEdges(grid) };
}

/**
 * The level key of each record as SQL: the category's text, or the band's label "[lo,hi)" ("<lo"
 * and ">=hi" outside the grid); NULL for a missing value (such records belong to no level). Band
 * edges are parameters compared in turn, the same doubles at every site.
 */
export function stratumKeySql(stratum: Stratum, schema: DatasetSchema): SqlCondition {
  const column = quotedColumn(schema, stratum.column);
  if (stratum.kind === 'levels') return { sql: `CAST(${column} AS VARCHAR)`, params: [] };
  const labels = bandLabels(stratum.edges);
  const params: (number | string)[] = [];
  const whens = stratum.edges.map((e, i) => {
    params.push(e, labels[i] ?? '');
    return `WHEN ${column} < CAST(? AS DOUBLE) THEN CAST(? AS VARCHAR)`;
  });
  params.push(labels[labels.length - 1] ?? '');
  return { sql: `CASE WHEN ${column} IS NULL THEN NULL ${whens.join(' ')} ELSE CAST(? AS VARCHAR) END`, params };
}

/** The band labels, in order: below the first edge, each [lo,hi), at or above the last edge. */
export function bandLabels(edges: readonly number[]): string[] {
  const first = edges[0];
  const last = edges[edges.length - 1];
  if (first === undefined || last === undefined) return [];
  return [`<${first}`, ...edges.slice(1).map((hi, i) => `[${edges[i] ?? ''},${hi})`), `>=${last}`];
}

/** A record's band label in JavaScript (the reference for stratumKeySql). */
export function bandOf(value: number | null, edges: readonly number[]): string | null {
  if (value === null) return null;
  const labels = bandLabels(edges);
  const i = edges.findIndex((e) => value < e);
  return (i < 0 ? labels[labels.length - 1] : labels[i]) ?? null;
}
