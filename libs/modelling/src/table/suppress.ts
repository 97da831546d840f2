// Small cells of a released two-way table, by the histogram rule (suppressCells in
// @phdmf/statistics) applied to every line whose total is known: each row, each column and the
// whole table (the margins and the grand total are released, and the one-way tables may be
// released by other analyses). In every such line, a blank cell must not be recoverable as the
// total minus the others, nor blanks adding up to a few records: a line with blanks has at least
// two, holding together at least minCount known records — blanking the line's smallest released
// non-empty cells until it does, and repeating over all lines until none changes.
// Margins are released as one-way tables by suppressCells itself.
import { suppressCells } from '@phdmf/statistics';
import type { CrossTable } from './contingency';

export interface ReleasedTable extends CrossTable {
  rowTotals: (number | null)[];
  columnTotals: (number | null)[];
}

export function suppressCrossTable(t: CrossTable, minCount: number): ReleasedTable {
  const values = t.counts.map((line) => [...line]);
  const blank = values.map((line) => line.map((n) => n === null || (n > 0 && n < minCount)));
  const lines: [number, number][][] = [
    ...values.map((line, i) => line.map((_, j): [number, number] => [i, j])),
    ...t.columns.map((_, j) => values.map((_, i): [number, number] => [i, j])),
    values.flatMap((line, i) => line.map((_, j): [number, number] => [i, j])),
  ];
  const isBlank = ([i, j]: [number, number]) => blank[i]?.[j] === true;
  const known = ([i, j]: [number, number]) => values[i]?.[j] ?? 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of lines) {
      for (;;) {
        const blanks = line.filter(isBlank);
        const held = blanks.reduce((s, cell) => s + known(cell), 0);
        if (blanks.length === 0 || (blanks.length >= 2 && held >= minCount)) break;
        const open = line.filter((cell) => !isBlank(cell) && known(cell) > 0).sort((a, b) => known(a) - known(b));
        const next = open[0];
        if (next === undefined) break; // the rest of the line is empty: its total's own rule covers it
        const row = blank[next[0]];
        if (row !== undefined) row[next[1]] = true;
        changed = true;
      }
    }
  }
  const total = (cells: (number | null)[]) => cells.reduce<number | null>((s, n) => (s === null || n === null ? null : s + n), 0);
  const rowTotals = suppressCells(values.map(total), minCount).cells;
  const columnTotals = suppressCells(t.columns.map((_, j) => total(values.map((line) => line[j] ?? 0))), minCount).cells;
  return { rows: [...t.rows], columns: [...t.columns], counts: values.map((line, i) => line.map((n, j) => (blank[i]?.[j] === true ? null : n))), rowTotals, columnTotals };
}
