// A checked filter as a DuckDB WHERE condition with positional parameters (`?`): constants travel as
// parameters, identifiers come from the schema (quotedColumn), so no request text is ever SQL.
//
// Missing values: a comparison (or `in`) with a missing value is FALSE, not SQL's NULL, so that
// every node is true or false and `not` selects exactly the records its operand does not (SQL's
// three-valued logic would drop missing records from both `age > 60` and `not (age > 60)`, and a
// subset's complement would not be "the other records"). `is missing` is how missing records are chosen.
import type { LedgerColumnType } from '@phdmf/contracts';
import { columnType, quotedColumn, type DatasetSchema } from '../schema';
import type { Filter, FilterValue } from './filter';

export interface SqlCondition {
  sql: string;
  params: FilterValue[];
}

/** Each constant is cast to its column's type, so DuckDB binds it the same way for every column. */
const CAST: Record<LedgerColumnType, string> = { numeric: 'CAST(? AS DOUBLE)', categorical: 'CAST(? AS VARCHAR)', date: 'CAST(? AS DATE)' };

/** The filter as a condition; its params in the order of the `?` in the text. */
export function filterSql(filter: Filter, schema: DatasetSchema): SqlCondition {
  const params: FilterValue[] = [];
  const walk = (f: Filter): string => {
    if ('and' in f) return `(${f.and.map(walk).join(' AND ')})`;
    if ('or' in f) return `(${f.or.map(walk).join(' OR ')})`;
    if ('not' in f) return `(NOT ${walk(f.not)})`;
    const column = quotedColumn(schema, f.column);
    if (f.op === 'is missing') return `(${column} IS NULL)`;
    const cast = CAST[columnType(schema, f.column, '$')];
    if (f.op === 'in') {
      params.push(...f.value);
      return `COALESCE(${column} IN (${f.value.map(() => cast).join(', ')}), FALSE)`;
    }
    params.push(f.value);
    const op = f.op === '!=' ? '<>' : f.op;
    return `COALESCE(${column} ${op} ${cast}, FALSE)`;
  };
  return { sql: walk(filter), params };
}

/** A record's value as the filter compares it: numbers, category text, ISO dates, null when missing. */
export type RecordValue = number | string | null;

/**
 * The same filter over one record in JavaScript (the reference the SQL is tested against, and the
 * form row-streaming code uses). Dates are ISO strings, so they compare as text in date order.
 */
export function matchesFilter(filter: Filter, record: Readonly<Record<string, RecordValue>>): boolean {
  if ('and' in filter) return filter.and.every((f) => matchesFilter(f, record));
  if ('or' in filter) return filter.or.some((f) => matchesFilter(f, record));
  if ('not' in filter) return !matchesFilter(filter.not, record);
  const v = record[filter.column] ?? null;
  if (filter.op === 'is missing') return v === null;
  if (v === null) return false;
  if (filter.op === 'in') return filter.value.includes(v);
  const c = filter.value;
  switch (filter.op) {
    case '=':
      return v === c;
    case '!=':
      return v !== c;
    case '<':
      return v < c;
    case '<=':
      return v <= c;
    case '>':
      return v > c;
    case '>=':
      return v >= c;
  }
}

/**
 * The site's count of a subset and of all its records, one row (inSubset, total): what
 * checkSubset needs before anything is computed over the subset.
 */
export function subsetCountsSql(condition: SqlCondition, from: string): SqlCondition {
  return { sql: `SELECT COUNT(*) FILTER (WHERE ${condition.sql}), COUNT(*) FROM ${from}`, params: condition.params };
}
