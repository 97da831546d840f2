import { CellBlank, suppressCells } from './histogram';

/** What an attacker who knows the total learns: each blank cell's possible values, by subtraction. */
function recoverable(released: readonly (number | null)[], total: number): number | undefined {
  const blanks = released.filter((n) => n === null).length;
  const known = released.reduce<number>((sum, n) => sum + (n ?? 0), 0);
  return blanks === 1 ? total - known : undefined;
}

describe('suppressCells (primary and complementary suppression)', () => {
  const { SMALL, UNKNOWN, COMPLEMENTARY } = CellBlank;

  it('releases a histogram without small cells as it is; empty cells are no disclosure', () => {
    expect(suppressCells([0, 5, 0, 9, 3], 3)).toEqual({ cells: [0, 5, 0, 9, 3], blanks: [undefined, undefined, undefined, undefined, undefined] });
  });

  it('blanks the smallest other non-empty cell with a lone small cell, so the count does not give it away', () => {
    const cells = [0, 2, 7, 4, 9];
    const total = cells.reduce((a, b) => a + b, 0);
    expect(recoverable([0, null, 7, 4, 9], total)).toBe(2); // what primary suppression alone would leak
    const out = suppressCells(cells, 3);
    expect(out.cells).toEqual([0, null, 7, null, 9]);
    expect(out.blanks).toEqual([undefined, SMALL, undefined, COMPLEMENTARY, undefined]);
    expect(recoverable(out.cells, total)).toBeUndefined();
  });

  it('goes on while the blank cells together hold fewer records than the threshold', () => {
    // 1 + 1 = 2 < 3: together a small cell; the smallest non-empty other (4) follows.
    const out = suppressCells([1, 1, 6, 4, 8], 3);
    expect(out.cells).toEqual([null, null, 6, null, 8]);
    expect(out.blanks).toEqual([SMALL, SMALL, undefined, COMPLEMENTARY, undefined]);
  });

  it('needs nothing more when two or more blank cells hold at least the threshold together', () => {
    expect(suppressCells([2, 0, 2, 10], 3).cells).toEqual([null, 0, null, 10]);
  });

  it('counts a cell blanked by a site as unknown (0 records) and complements it too', () => {
    const out = suppressCells([null, 10, 4, 0], 3);
    expect(out.cells).toEqual([null, 10, null, 0]);
    expect(out.blanks).toEqual([UNKNOWN, undefined, COMPLEMENTARY, undefined]);
  });

  it('stops when no non-empty cell is left to blank', () => {
    expect(suppressCells([0, 2, 0], 3).cells).toEqual([0, null, 0]);
  });
});
