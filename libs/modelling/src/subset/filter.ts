// The subset language: a JSON tree, so that integrators build it as data and nothing is parsed from
// text. Leaves compare one column with constants; `and`, `or`, `not` combine them. parseFilter checks
// the shape, the limits and the types against the dataset's schema before any site sees the filter.
//
//   { "and": [ { "column": "age", "op": ">", "value": 60 },
//              { "not": { "column": "smoker", "op": "in", "value": ["never"] } },
//              { "column": "bmi", "op": "is missing" } ] }
import { ModellingErrorCode, PhdmfError } from '@phdmf/contracts';
import { columnType, invalid, type DatasetSchema } from '../schema';

export const COMPARISON_OPS = ['=', '!=', '<', '<=', '>', '>='] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];
/** Orderings make sense for numbers and dates only; a categorical column is compared by equality. */
const ORDER_OPS: readonly ComparisonOp[] = ['<', '<=', '>', '>='];

export type FilterValue = number | string;
export type Filter =
  | { column: string; op: ComparisonOp; value: FilterValue }
  | { column: string; op: 'in'; value: FilterValue[] }
  | { column: string; op: 'is missing' }
  | { and: Filter[] }
  | { or: Filter[] }
  | { not: Filter };

/** Bounds on a filter's size, so that a request cannot make a site compile or run an enormous query. */
export const FilterLimits = { depth: 8, nodes: 64, inValues: 100, textLength: 200 } as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * The filter a request sends, checked: the shape (MODEL.REQUEST_INVALID), the size
 * (MODEL.TOO_LARGE), the columns (MODEL.UNKNOWN_COLUMN) and each value against its column's type
 * (MODEL.TYPE_MISMATCH). The result is a fresh tree holding only the known keys.
 */
export function parseFilter(input: unknown, schema: DatasetSchema): Filter {
  let nodes = 0;
  const walk = (x: unknown, path: string, depth: number): Filter => {
    if (depth > FilterLimits.depth) throw new PhdmfError(ModellingErrorCode.TOO_LARGE, `A filter may nest at most ${FilterLimits.depth} levels`, { path });
    if (++nodes > FilterLimits.nodes) throw new PhdmfError(ModellingErrorCode.TOO_LARGE, `A filter may have at most ${FilterLimits.nodes} nodes`, { path });
    if (!isRecord(x)) throw invalid(path, 'A filter node must be an object');
    const keys = Object.keys(x);
    for (const combinator of ['and', 'or'] as const) {
      if (combinator in x) {
        const parts = x[combinator];
        if (keys.length !== 1 || !Array.isArray(parts) || parts.length === 0) throw invalid(path, `"${combinator}" must be the node's only key and hold a non-empty array`);
        const children = parts.map((p, i) => walk(p, `${path}.${combinator}[${i}]`, depth + 1));
        return combinator === 'and' ? { and: children } : { or: children };
      }
    }
    if ('not' in x) {
      if (keys.length !== 1) throw invalid(path, '"not" must be the node\'s only key');
      return { not: walk(x['not'], `${path}.not`, depth + 1) };
    }
    return leaf(x, path);
  };
  const leaf = (x: Record<string, unknown>, path: string): Filter => {
    const { column, op } = x;
    if (typeof column !== 'string') throw invalid(path, 'A comparison needs a "column" (a string)');
    if (Object.keys(x).some((k) => !['column', 'op', 'value'].includes(k))) throw invalid(path, 'A comparison has only "column", "op" and "value"');
    const type = columnType(schema, column, `${path}.column`);
    if (op === 'is missing') {
      if ('value' in x) throw invalid(path, '"is missing" takes no value');
      return { column, op };
    }
    if (op === 'in') {
      const values = x['value'];
      if (!Array.isArray(values) || values.length === 0) throw invalid(`${path}.value`, '"in" needs a non-empty array of values');
      if (values.length > FilterLimits.inValues) throw new PhdmfError(ModellingErrorCode.TOO_LARGE, `An "in" list may have at most ${FilterLimits.inValues} values`, { path });
      return { column, op, value: values.map((v, i) => typedValue(v, type, `${path}.value[${i}]`)) };
    }
    if (!COMPARISON_OPS.includes(op as ComparisonOp)) throw invalid(`${path}.op`, `"op" must be one of ${[...COMPARISON_OPS, 'in', 'is missing'].join(', ')}`);
    if (type === 'categorical' && ORDER_OPS.includes(op as ComparisonOp)) {
      throw new PhdmfError(ModellingErrorCode.TYPE_MISMATCH, `"${String(op)}" orders values; the categorical column "${column}" is compared with = != or in`, { path, column });
    }
    return { column, op: op as ComparisonOp, value: typedValue(x['value'], type, `${path}.value`) };
  };
  return walk(input, '$', 1);
}

/** A constant checked against its column's type: a finite number, a category's text, an ISO date. */
function typedValue(v: unknown, type: string, path: string): FilterValue {
  const mismatch = (what: string) => new PhdmfError(ModellingErrorCode.TYPE_MISMATCH, `The ${type} column needs ${what} here`, { path });
  if (type === 'numeric') {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw mismatch('a finite number');
    return v;
  }
  if (typeof v !== 'string') throw mismatch(type === 'date' ? 'a date "YYYY-MM-DD"' : 'a text value');
  if (v.length > FilterLimits.textLength) throw new PhdmfError(ModellingErrorCode.TOO_LARGE, `A value may have at most ${FilterLimits.textLength} characters`, { path });
  if (type === 'date' && (!DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v)) {
    throw mismatch('a date "YYYY-MM-DD"');
  }
  return v;
}

/** The columns a filter reads, sorted and distinct: the grant must cover each of them. */
export function filterColumns(filter: Filter): string[] {
  const out = new Set<string>();
  const walk = (f: Filter): void => {
    if ('and' in f) f.and.forEach(walk);
    else if ('or' in f) f.or.forEach(walk);
    else if ('not' in f) walk(f.not);
    else out.add(f.column);
  };
  walk(filter);
  return [...out].sort();
}
