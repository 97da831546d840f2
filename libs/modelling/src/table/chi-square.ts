// Pearson's chi-square test of independence on a pooled table, as R's chisq.test(correct = FALSE):
// X² = Σ (O − E)² / E with E = row total × column total / N, df = (rows − 1)(columns − 1) over the
// levels that occur (an all-zero row or column carries no information and would divide by zero).
import { chiSquareUpperTail } from '../distributions';
import { margins, type CrossTable } from './contingency';

export interface ChiSquareTest {
  statistic: number;
  df: number;
  pValue: number;
}

/** The test, or undefined when it cannot be computed: withheld cells, or fewer than 2 levels either way. */
export function chiSquareTest(t: CrossTable): ChiSquareTest | undefined {
  if (t.counts.some((line) => line.some((n) => n === null))) return undefined;
  const { rowTotals, columnTotals, total } = margins(t);
  const rows = rowTotals.flatMap((n, i) => (n > 0 ? [i] : []));
  const columns = columnTotals.flatMap((n, j) => (n > 0 ? [j] : []));
  if (rows.length < 2 || columns.length < 2) return undefined;
  let statistic = 0;
  for (const i of rows) {
    for (const j of columns) {
      const expected = ((rowTotals[i] ?? 0) * (columnTotals[j] ?? 0)) / total;
      const observed = t.counts[i]?.[j] ?? 0;
      statistic += (observed - expected) ** 2 / expected;
    }
  }
  const df = (rows.length - 1) * (columns.length - 1);
  return { statistic, df, pValue: chiSquareUpperTail(statistic, df) };
}
