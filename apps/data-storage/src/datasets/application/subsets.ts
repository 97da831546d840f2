// The modelling operations' common ground at a site: the dataset's schema as libs/modelling reads it,
// the on-chain grids strata are cut on, and a subset — parsed against the schema, counted, and
// refused (nfilter.subset both ways) before anything else is computed over it.
import { ModellingErrorCode, PhdmfError, type LedgerGetDataset } from '@phdmf/contracts';
import { checkSubset, filterColumns, filterSql, parseFilter, releasableLevels, stratumKeySql, subsetCountsSql, type DatasetSchema, type Filter, type SqlCondition, type Stratum } from '@phdmf/modelling';
import type { ColumnGrid } from '@phdmf/statistics';
import type { ColumnSchema } from '../domain/csv-schema';

/** The schema as libs/modelling reads it (the chain's columns and types, which the node released). */
export function modellingSchema(schema: readonly ColumnSchema[]): DatasetSchema {
  return { columns: schema.map((c) => c.name), columnTypes: schema.map((c) => c.type) };
}

/** The grids the owner declared on-chain, by column: numeric strata are cut on them and no finer. */
export function gridsOf(onChain: LedgerGetDataset.Result): Record<string, ColumnGrid> {
  return Object.fromEntries((onChain.columnGrids ?? []).map((g) => [g.column, { lower: g.lower, upper: g.upper, binWidth: g.binWidth }]));
}

/** A request's subset, parsed: absent when the request has none (every record). */
export interface Subset {
  filter: Filter;
  condition: SqlCondition;
  /** The columns it reads: the grant must cover them. */
  columns: string[];
}

export function parseSubset(raw: unknown, schema: DatasetSchema): Subset | undefined {
  if (raw === undefined) return undefined;
  const filter = parseFilter(raw, schema);
  return { filter, condition: filterSql(filter, schema), columns: filterColumns(filter) };
}

/** What runs a query at the site (the engine, inside the gate's re-hash). */
export type RunQuery = (query: SqlCondition) => Promise<unknown[][]>;

/**
 * The records of the relation and of the subset in it, once the subset passed nfilter.subset both
 * ways (DISCLOSURE.SUBSET_TOO_SMALL / COMPLEMENT_TOO_SMALL naming this site); nothing is computed
 * over a subset before this.
 */
export async function countSubset(run: RunQuery, from: string, subset: Subset | undefined, threshold: number, site: string): Promise<{ rowCount: number; subsetCount?: number }> {
  if (subset === undefined) {
    const [row] = await run({ sql: `SELECT COUNT(*) FROM ${from}`, params: [] });
    return { rowCount: Number(row?.[0] ?? 0) };
  }
  const [row] = await run(subsetCountsSql(subset.condition, from));
  const inSubset = Number(row?.[0] ?? 0);
  const rowCount = Number(row?.[1] ?? 0);
  checkSubset(inSubset, rowCount, threshold, { site });
  return { rowCount, subsetCount: inSubset };
}

/** Both conditions (either may be absent). */
export function bothConditions(a: SqlCondition | undefined, b: SqlCondition | undefined): SqlCondition | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return { sql: `(${a.sql}) AND (${b.sql})`, params: [...a.params, ...b.params] };
}

/**
 * The levels of a stratum within the subset that may be released — each level and the records of
 * the other levels reach the threshold (releasableLevels) — sorted by code point, each with its
 * records and its condition. The others are left out, unnamed.
 */
export async function releasableStrata(run: RunQuery, schema: DatasetSchema, from: string, stratum: Stratum, subset: Subset | undefined, threshold: number): Promise<{ level: string; rowCount: number; condition: SqlCondition }[]> {
  const key = stratumKeySql(stratum, schema);
  const where = bothConditions({ sql: `(${key.sql}) IS NOT NULL`, params: key.params }, subset?.condition);
  const rows = await run({ sql: `SELECT ${key.sql} AS k, COUNT(*) FROM ${from} WHERE ${where?.sql ?? 'TRUE'} GROUP BY 1`, params: [...key.params, ...(where?.params ?? [])] });
  const counts = new Map(rows.map(([k, n]) => [String(k), Number(n)] as const));
  const releasable = releasableLevels(counts, threshold);
  return [...releasable]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((level) => ({
      level,
      rowCount: counts.get(level) ?? 0,
      condition: { sql: `(${key.sql}) = CAST(? AS VARCHAR)`, params: [...key.params, level] },
    }));
}

/** Subsets, strata and models release exact numbers over chosen records: not under a dp grant, whose noise is planned per column only. */
export function dpUnsupported(): PhdmfError {
  return new PhdmfError(ModellingErrorCode.DP_UNSUPPORTED, 'subsets, strata and models release exact numbers: they are not available under a differentially private grant');
}
