/**
 * The moments that pool exactly across sites: count, sum, mean and m2 (the sum of squared
 * deviations from the mean). Pooling uses the parallel-variance formula of Chan, Golub and LeVeque
 * (1979), which never subtracts two large sums of squares and so keeps its precision where the
 * naive Σx² − n·mean² loses it.
 */
export interface Moments {
  count: number;
  sum: number;
  mean: number;
  m2: number;
}

/** The moments of no values. */
export const EMPTY_MOMENTS: Readonly<Moments> = Object.freeze({ count: 0, sum: 0, mean: 0, m2: 0 });

/** Moments of a sequence, by Welford's one-pass update. */
export function momentsOf(values: Iterable<number>): Moments {
  let count = 0;
  let sum = 0;
  let mean = 0;
  let m2 = 0;
  for (const x of values) {
    count += 1;
    sum += x;
    const delta = x - mean;
    mean += delta / count;
    m2 += delta * (x - mean);
  }
  return { count, sum, mean, m2 };
}

/** Moments of the union of two disjoint samples. */
export function combineMoments(a: Moments, b: Moments): Moments {
  if (a.count === 0) return { ...b };
  if (b.count === 0) return { ...a };
  const count = a.count + b.count;
  const delta = b.mean - a.mean;
  const mean = a.mean + (delta * b.count) / count;
  const m2 = a.m2 + b.m2 + (delta * delta * a.count * b.count) / count;
  return { count, sum: a.sum + b.sum, mean, m2 };
}

/** Moments of the union of several disjoint samples (per-site summaries). */
export function poolMoments(parts: readonly Moments[]): Moments {
  return parts.reduce<Moments>((acc, part) => combineMoments(acc, part), { ...EMPTY_MOMENTS });
}

/** Sample variance (n − 1 in the denominator); undefined below two values. */
export function sampleVariance(m: Moments): number | undefined {
  return m.count < 2 ? undefined : m.m2 / (m.count - 1);
}

/** Population variance (n in the denominator); undefined for no values. */
export function populationVariance(m: Moments): number | undefined {
  return m.count < 1 ? undefined : m.m2 / m.count;
}

/** m2 from a sample variance and its count, as a site that reports variance would give it. */
export function m2FromSampleVariance(variance: number, count: number): number {
  return count < 2 ? 0 : variance * (count - 1);
}
