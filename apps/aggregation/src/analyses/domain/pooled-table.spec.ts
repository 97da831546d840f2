import { chiSquareTest, countCrossTable, suppressCrossTable } from '@phdmf/modelling';
import { poolTables } from './pooled-table';

// Sites' records as (row, column) keys; each site releases its table as a site does (suppressCrossTable).
const site = (cells: [string, string, number][]) => cells.flatMap(([r, c, n]) => Array.from({ length: n }, () => [r, c] as const));
const released = (keys: readonly (readonly [string, string])[], minCount = 3) => {
  const t = suppressCrossTable(countCrossTable(keys), minCount);
  return { rows: t.rows, columns: t.columns, counts: t.counts, rowTotals: t.rowTotals, columnTotals: t.columnTotals };
};

describe('pooled contingency tables', () => {
  it('equal the table of the concatenated records, over the union of levels, with its chi-square test', () => {
    const a = site([['F', 'no', 40], ['F', 'yes', 12], ['M', 'no', 30], ['M', 'yes', 25]]);
    const b = site([['F', 'no', 20], ['M', 'no', 18], ['M', 'yes', 9], ['X', 'no', 0]]);
    const c = site([['F', 'no', 7], ['F', 'yes', 8], ['M', 'yes', 6], ['M', 'no', 5]]);
    const pooled = poolTables([released(a), released(b), released(c)]);
    const direct = countCrossTable([...a, ...b, ...c]);
    expect(pooled).toMatchObject({ rows: direct.rows, columns: direct.columns, counts: direct.counts });
    expect(pooled.rowTotals).toEqual([87, 93]);
    expect(pooled.columnTotals).toEqual([120, 60]);
    expect(pooled.total).toBe(180);
    expect(pooled.chiSquare).toEqual(chiSquareTest(direct));
  });

  it('keeps a cell a site withheld withheld (no test), and a total the site withheld too', () => {
    // Site b's (F, yes) cell of 1 is below its threshold: suppressed with its partner, so the pool cannot recover it.
    const a = site([['F', 'no', 40], ['F', 'yes', 12], ['M', 'no', 30], ['M', 'yes', 25]]);
    const b = site([['F', 'no', 20], ['F', 'yes', 1], ['M', 'no', 18], ['M', 'yes', 9]]);
    const pooled = poolTables([released(a), released(b)]);
    expect(pooled.counts[0]?.[1]).toBeNull();
    expect(pooled.counts.flat().filter((n) => n === null).length).toBeGreaterThanOrEqual(2);
    expect(pooled.chiSquare).toBeUndefined();
    const bRow = released(b).rowTotals;
    if (bRow.includes(null)) expect(pooled.rowTotals).toContain(null);
  });
});
