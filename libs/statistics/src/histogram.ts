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

/** Checks bin edges: at least two, finite and strictly increasing. */
export function edgesProblem(edges: readonly number[]): string | undefined {
  if (edges.length < 2) return 'a histogram needs at least two edges';
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i] ?? NaN;
    if (!Number.isFinite(e)) return `edge ${i} is not a finite number`;
    if (i > 0 && !(e > (edges[i - 1] ?? NaN))) return `edges must increase strictly (edge ${i} is ${e})`;
  }
  return undefined;
}
