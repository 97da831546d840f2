// The same aggregates as dpSufficientStatistics, written as DuckDB SQL for a site that summarises
// its file in the engine rather than passing rows: one rule, two spellings, held equal by
// site-sql.spec.ts (which runs them in DuckDB against the JavaScript on the same values).
import type { ColumnGrid } from '../grid';
import { dpLattice, type DpSufficientStatistics } from './site-summary';

/** A double as a DuckDB literal that keeps every bit (exponent notation is a DOUBLE literal). */
function literal(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError('a finite number is required in SQL');
  return n.toExponential(17).replace('e+', 'e');
}

/**
 * The aggregate expressions, in order, that {@link dpAggregatesFromRow} reads back: count, missing,
 * Σz and Σz² (as VARCHAR, exact at any size), then one count per cell of the declared grid.
 * `column` is an SQL expression the caller made safe (a bound positional name such as c3), of
 * type DOUBLE. z is clamp, centre, divide, ROUND (half away from zero, as `discretise`), clamp to ±H;
 * a cell is the comparison of the clamped value with the grid's edges, as `cellIndex`.
 */
export function dpAggregateSql(column: string, grid: ColumnGrid): string[] {
  const lattice = dpLattice(grid);
  const h = lattice.bound.toString();
  const x = `LEAST(${literal(grid.upper)}, GREATEST(${literal(grid.lower)}, ${column}))`;
  const z = `LEAST(${h}, GREATEST(-${h}, CAST(ROUND((${x} - ${literal(lattice.center)}) / ${literal(lattice.resolution)}) AS HUGEINT)))`;
  const edges = lattice.edges;
  const cells = edges.length - 1;
  const cellSql = Array.from({ length: cells }, (_, j) => {
    const conditions = [`${column} IS NOT NULL`];
    if (j > 0) conditions.push(`${x} >= ${literal(edges[j] ?? NaN)}`);
    if (j < cells - 1) conditions.push(`${x} < ${literal(edges[j + 1] ?? NaN)}`);
    return `count(*) FILTER (WHERE ${conditions.join(' AND ')})::DOUBLE`;
  });
  return [
    `count(${column})::DOUBLE`,
    `(count(*) - count(${column}))::DOUBLE`,
    // DuckDB's LEAST and GREATEST skip NULLs (GREATEST(lo, NULL) = lo): missing values must be filtered, not propagated.
    `CAST(COALESCE(sum(${z}) FILTER (WHERE ${column} IS NOT NULL), 0) AS VARCHAR)`,
    `CAST(COALESCE(sum(${z} * ${z}) FILTER (WHERE ${column} IS NOT NULL), 0) AS VARCHAR)`,
    ...cellSql,
  ];
}

function integer(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new RangeError(`not an integer aggregate: ${String(value)}`);
}

/** The sufficient statistics from the values of {@link dpAggregateSql}'s expressions, in its order. */
export function dpAggregatesFromRow(values: readonly unknown[], grid: ColumnGrid): DpSufficientStatistics {
  const cells = dpLattice(grid).edges.length - 1;
  if (values.length !== 4 + cells) throw new RangeError(`expected ${4 + cells} aggregates, got ${values.length}`);
  const [count, missing, sum, sumSquares, ...cellCounts] = values;
  return {
    count: Number(integer(count)),
    missing: Number(integer(missing)),
    sum: integer(sum),
    sumSquares: integer(sumSquares),
    cells: cellCounts.map((c) => Number(integer(c))),
  };
}
