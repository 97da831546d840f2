/**
 * Histograms over shared bin edges pool by adding counts bin by bin. A site that suppressed a bin
 * (count below its threshold) reports null there; the pooled bin is then unknown (null) too,
 * because adding the other sites' counts would understate it.
 */
export interface BinnedCounts {
  edges: readonly number[];
  counts: readonly (number | null)[];
  below: number | null;
  above: number | null;
}

/** Adds histograms with identical edges; throws if the edges differ. */
export function poolHistograms(parts: readonly BinnedCounts[]): BinnedCounts {
  const first = parts[0];
  if (first === undefined) throw new Error('no histograms to pool');
  for (const part of parts) {
    if (part.edges.length !== first.edges.length || part.edges.some((e, i) => e !== first.edges[i])) {
      throw new Error('histograms over different bin edges cannot be pooled');
    }
  }
  const add = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a + b);
  return {
    edges: [...first.edges],
    counts: first.counts.map((_, i) => parts.reduce<number | null>((acc, p) => add(acc, p.counts[i] ?? null), 0)),
    below: parts.reduce<number | null>((acc, p) => add(acc, p.below), 0),
    above: parts.reduce<number | null>((acc, p) => add(acc, p.above), 0),
  };
}

/** Why a released histogram cell is blank. */
export const CellBlank = {
  /** 1..minCount−1 records. */
  SMALL: 'small',
  /** Unknown here: a site blanked its part of the cell. */
  UNKNOWN: 'unknown',
  /** Blanked so that the cells above cannot be recovered from the count (complementary suppression). */
  COMPLEMENTARY: 'complementary',
} as const;
export type CellBlank = (typeof CellBlank)[keyof typeof CellBlank];

/**
 * Disclosure control for one histogram's cells, given as one list (below, the bins, above): together
 * they add up to the column's count, which is released too (and the ledger holds the row count).
 *
 * Primary suppression blanks a cell with 1..minCount−1 records; an empty cell (0) discloses no one.
 * That alone is not enough: one blank cell is the count minus the others, and blank cells that add
 * up to fewer than minCount records are a small cell together. Complementary suppression therefore
 * blanks the smallest released non-empty cells too, until at least two cells are blank and the blank
 * cells' known records add up to minCount or more (a cell blanked by a site counts as 0 there: its
 * value is unknown, so it cannot be relied on).
 */
export function suppressCells(cells: readonly (number | null)[], minCount: number): { cells: (number | null)[]; blanks: (CellBlank | undefined)[] } {
  const blanks: (CellBlank | undefined)[] = cells.map((n) => (n === null ? CellBlank.UNKNOWN : n > 0 && n < minCount ? CellBlank.SMALL : undefined));
  const blankCount = () => blanks.filter((b) => b !== undefined).length;
  const blankRecords = () => cells.reduce<number>((sum, n, i) => sum + (blanks[i] !== undefined && n !== null ? n : 0), 0);
  while (blankCount() > 0 && (blankCount() < 2 || blankRecords() < minCount)) {
    let smallest = -1;
    cells.forEach((n, i) => {
      if (blanks[i] === undefined && n !== null && n > 0 && (smallest < 0 || n < (cells[smallest] ?? Infinity))) smallest = i;
    });
    if (smallest < 0) break; // every other cell is empty: the column's own threshold covers the rest
    blanks[smallest] = CellBlank.COMPLEMENTARY;
  }
  return { cells: cells.map((n, i) => (blanks[i] === undefined ? n : null)), blanks };
}

/**
 * suppressCells over a histogram's cells in their order (below, the bins, above): the histogram as
 * released, and why each cell in that order is blank, if it is.
 */
export function suppressHistogram(h: BinnedCounts, minCount: number): { histogram: { edges: number[]; counts: (number | null)[]; below: number | null; above: number | null }; blanks: (CellBlank | undefined)[] } {
  const { cells, blanks } = suppressCells([h.below, ...h.counts, h.above], minCount);
  return { histogram: { edges: [...h.edges], counts: cells.slice(1, -1), below: cells[0] ?? null, above: cells[cells.length - 1] ?? null }, blanks };
}
