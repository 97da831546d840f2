// The sites' released contingency tables pooled: cells added over the union of levels
// (libs/modelling's poolCrossTables: a cell a site withheld stays withheld), the margins added the
// same way, and the chi-square test when no cell is withheld.
import type { PooledTableView, StorageModel } from '@phdmf/contracts';
import { chiSquareTest, poolCrossTables } from '@phdmf/modelling';

/** One margin pooled over the union of levels: a level a site lacks adds 0, a total it withheld makes the pool's null. */
function poolMargin(levels: readonly string[], parts: readonly { levels: readonly string[]; totals: readonly (number | null)[] }[]): (number | null)[] {
  return levels.map((level) =>
    parts.reduce<number | null>((sum, p) => {
      const i = p.levels.indexOf(level);
      const n = i < 0 ? 0 : (p.totals[i] ?? null);
      return sum === null || n === null ? null : sum + n;
    }, 0),
  );
}

const sumOf = (line: readonly (number | null)[]): number | null => (line.some((n) => n === null) ? null : line.reduce<number>((s, n) => s + (n ?? 0), 0));

export function poolTables(parts: readonly StorageModel.ReleasedCrossTable[]): PooledTableView {
  const pooled = poolCrossTables(parts.map((p) => ({ rows: p.rows, columns: p.columns, counts: p.counts })));
  const rowTotals = poolMargin(pooled.rows, parts.map((p) => ({ levels: p.rows, totals: p.rowTotals })));
  const columnTotals = poolMargin(pooled.columns, parts.map((p) => ({ levels: p.columns, totals: p.columnTotals })));
  const test = chiSquareTest(pooled);
  return {
    rows: pooled.rows,
    columns: pooled.columns,
    counts: pooled.counts,
    rowTotals,
    columnTotals,
    total: sumOf(rowTotals) ?? sumOf(columnTotals),
    ...(test === undefined ? {} : { chiSquare: { statistic: test.statistic, df: test.df, pValue: test.pValue } }),
  };
}
