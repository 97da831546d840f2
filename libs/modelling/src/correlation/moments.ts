// Correlation and covariance from each site's pairwise moments. For every pair of numeric columns
// (a column with itself included, for its variance) a site releases, over its records where both
// are present (pairwise complete, as R's use = "pairwise.complete.obs"): n, the two means and the
// centred sums of squares and cross-products. Centred sums pool exactly and stably (Chan, Golub &
// LeVeque 1979); raw sums of squares would lose digits to cancellation when means are large.
import { ModellingErrorCode, PhdmfError } from '@phdmf/contracts';
import { quotedColumn, type DatasetSchema } from '../schema';
import type { SqlCondition } from '../subset/filter-sql';

export interface PairMoments {
  n: number;
  meanX: number;
  meanY: number;
  sxx: number;
  syy: number;
  sxy: number;
}

/** The moments of every pair (i ≤ j) of `columns`, in the order of {@link pairIndex}. */
export interface CorrelationMoments {
  columns: string[];
  pairs: PairMoments[];
}

/** The pairs i ≤ j of k columns in row-major order. */
export function pairsOf(k: number): [number, number][] {
  return Array.from({ length: k }, (_, i) => Array.from({ length: k - i }, (_, d): [number, number] => [i, i + d])).flat();
}

const EMPTY: PairMoments = { n: 0, meanX: 0, meanY: 0, sxx: 0, syy: 0, sxy: 0 };

/** The moments of one pair in JavaScript, by two passes (the reference for the SQL). */
export function pairMoments(xs: readonly (number | null)[], ys: readonly (number | null)[]): PairMoments {
  const both = xs.flatMap((x, i) => {
    const y = ys[i];
    return x === null || y === null || y === undefined ? [] : [[x, y] as const];
  });
  const n = both.length;
  if (n === 0) return EMPTY;
  const meanX = both.reduce((s, [x]) => s + x, 0) / n;
  const meanY = both.reduce((s, [, y]) => s + y, 0) / n;
  return both.reduce((m, [x, y]) => ({ ...m, sxx: m.sxx + (x - meanX) ** 2, syy: m.syy + (y - meanY) ** 2, sxy: m.sxy + (x - meanX) * (y - meanY) }), { n, meanX, meanY, sxx: 0, syy: 0, sxy: 0 });
}

/**
 * The site's query: DuckDB's regr_* aggregates (over rows where both columns are present) for
 * every pair, six values per pair in {@link pairsOf} order. Only numeric columns (MODEL.TYPE_MISMATCH).
 */
export function correlationSql(schema: DatasetSchema, from: string, columns: readonly string[], subset?: SqlCondition): SqlCondition {
  for (const c of columns) {
    if (schema.columnTypes[schema.columns.indexOf(c)] !== 'numeric') throw new PhdmfError(ModellingErrorCode.TYPE_MISMATCH, `"${c}" is not a numeric column`, { column: c });
  }
  const q = columns.map((c) => quotedColumn(schema, c));
  const select = pairsOf(q.length).flatMap(([i, j]) => {
    const args = `${q[j] ?? ''}, ${q[i] ?? ''}`; // regr_*(y, x): x is the pair's first column
    return ['regr_count', 'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy'].map((f) => `${f}(${args})`);
  });
  return { sql: `SELECT ${select.join(', ')} FROM ${from}${subset === undefined ? '' : ` WHERE ${subset.sql}`}`, params: subset?.params ?? [] };
}

/** The query's one row as moments (an empty pair's NULLs as zeros). */
export function correlationFromRow(columns: readonly string[], row: readonly unknown[]): CorrelationMoments {
  const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
  return {
    columns: [...columns],
    pairs: pairsOf(columns.length).map((_, p) => {
      const [n, meanX, meanY, sxx, syy, sxy] = row.slice(6 * p, 6 * p + 6).map(num);
      return { n: n ?? 0, meanX: meanX ?? 0, meanY: meanY ?? 0, sxx: sxx ?? 0, syy: syy ?? 0, sxy: sxy ?? 0 };
    }),
  };
}

/**
 * The site's release rule: a pair over 1..threshold−1 records is refused (its cross-products are
 * sums over those few records). An empty pair releases zeros.
 */
export function checkPairCounts(m: CorrelationMoments, threshold: number, details: Readonly<Record<string, unknown>> = {}): void {
  pairsOf(m.columns.length).forEach(([i, j], p) => {
    const n = m.pairs[p]?.n ?? 0;
    if (n > 0 && n < threshold) {
      throw new PhdmfError(ModellingErrorCode.SUBSET_TOO_SMALL, `Fewer than ${threshold} records have both "${m.columns[i] ?? ''}" and "${m.columns[j] ?? ''}"`, {
        ...details,
        rule: 'pair count',
        columns: [m.columns[i], m.columns[j]],
        threshold,
      });
    }
  });
}

/** Two parts' moments of one pair merged (Chan et al.'s update: exact in exact arithmetic). */
export function mergePair(a: PairMoments, b: PairMoments): PairMoments {
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const n = a.n + b.n;
  const dx = b.meanX - a.meanX;
  const dy = b.meanY - a.meanY;
  const f = (a.n * b.n) / n;
  return { n, meanX: a.meanX + (dx * b.n) / n, meanY: a.meanY + (dy * b.n) / n, sxx: a.sxx + b.sxx + dx * dx * f, syy: a.syy + b.syy + dy * dy * f, sxy: a.sxy + b.sxy + dx * dy * f };
}

/** The sites' moments pooled pair by pair; the sites must name the same columns in the same order. */
export function poolCorrelationMoments(parts: readonly CorrelationMoments[]): CorrelationMoments {
  const [first] = parts;
  if (first === undefined) throw new Error('no moments to pool');
  if (parts.some((p) => p.columns.join('\u0000') !== first.columns.join('\u0000'))) throw new Error('moments over different columns cannot be pooled');
  return { columns: [...first.columns], pairs: first.pairs.map((_, p) => parts.reduce((acc, part) => mergePair(acc, part.pairs[p] ?? EMPTY), EMPTY)) };
}
