// Pearson's r from pooled moments, with the test and interval of R's cor.test: t = r √((n−2)/(1−r²))
// on n−2 degrees of freedom, two-sided; the confidence interval by Fisher's z, tanh(atanh(r) ± z_q/√(n−3)).
import { normalQuantileOf, tTwoSided } from '../distributions';
import { pairsOf, type CorrelationMoments } from './moments';

export interface PairCorrelation {
  columns: [string, string];
  /** Records with both values (pairwise complete). */
  n: number;
  covariance: number | null;
  r: number | null;
  pValue: number | null;
  /** The confidence interval of r (needs n > 3). */
  interval: [number, number] | null;
}

export interface CorrelationMatrix {
  columns: string[];
  n: number[][];
  covariance: (number | null)[][];
  correlation: (number | null)[][];
  pairs: PairCorrelation[];
  level: number;
}

/** r, its test and interval for one pair; nulls where n or the variances do not allow them. */
export function pearson(columns: [string, string], m: { n: number; sxx: number; syy: number; sxy: number }, level = 0.95): PairCorrelation {
  const { n } = m;
  const covariance = n > 1 ? m.sxy / (n - 1) : null;
  const r = n > 1 && m.sxx > 0 && m.syy > 0 ? Math.max(-1, Math.min(1, m.sxy / Math.sqrt(m.sxx * m.syy))) : null;
  const df = n - 2;
  const pValue = r === null || df < 1 ? null : Math.abs(r) === 1 ? 0 : tTwoSided(r * Math.sqrt(df / (1 - r * r)), df);
  let interval: [number, number] | null = null;
  if (r !== null && n > 3) {
    const z = Math.atanh(r);
    const half = normalQuantileOf(1 - (1 - level) / 2) / Math.sqrt(n - 3);
    interval = [Math.tanh(z - half), Math.tanh(z + half)];
  }
  return { columns, n, covariance, r, pValue, interval };
}

/** The matrices (symmetric) and each pair i < j's test, from pooled moments. */
export function correlationMatrix(m: CorrelationMoments, level = 0.95): CorrelationMatrix {
  const k = m.columns.length;
  const square = <T>(fill: T) => Array.from({ length: k }, () => Array.from({ length: k }, () => fill));
  const n = square(0);
  const covariance = square<number | null>(null);
  const correlation = square<number | null>(null);
  const pairs: PairCorrelation[] = [];
  pairsOf(k).forEach(([i, j], p) => {
    const moments = m.pairs[p];
    if (moments === undefined) return;
    const result = pearson([m.columns[i] ?? '', m.columns[j] ?? ''], moments, level);
    for (const [a, b] of [[i, j], [j, i]] as const) {
      (n[a] ?? [])[b] = result.n;
      (covariance[a] ?? [])[b] = result.covariance;
      (correlation[a] ?? [])[b] = result.r;
    }
    if (i < j) pairs.push(result);
  });
  return { columns: [...m.columns], n, covariance, correlation, pairs, level };
}
