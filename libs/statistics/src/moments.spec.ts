import { combineMoments, momentsOf, m2FromSampleVariance, poolMoments, populationVariance, sampleVariance } from './moments';
import { StorageSummarize } from '@phdmf/contracts';
import { poolHistograms } from './histogram';

/** A deterministic generator, so a failure can be reproduced. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

describe('pooled moments', () => {
  it('pooling per-site moments matches one computation over the concatenated data to 1e-9', () => {
    const rnd = lcg(7);
    // Sites of very different sizes and offsets: the case where naive sums of squares lose precision.
    const sites = [10, 3, 5_000, 777, 1].map((n, k) => Array.from({ length: n }, () => 1e6 + k * 1e3 + rnd() * 50));
    const pooled = poolMoments(sites.map((s) => momentsOf(s)));
    const direct = momentsOf(sites.flat());
    expect(pooled.count).toBe(direct.count);
    expect(relative(pooled.sum, direct.sum)).toBeLessThan(1e-12);
    expect(relative(pooled.mean, direct.mean)).toBeLessThan(1e-12);
    expect(relative(pooled.m2, direct.m2)).toBeLessThan(1e-9);
    expect(relative(sampleVariance(pooled)!, sampleVariance(direct)!)).toBeLessThan(1e-9);
  });

  it('agrees with the two-pass textbook variance', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    const m = momentsOf(xs);
    expect(m.mean).toBe(5);
    expect(populationVariance(m)).toBeCloseTo(4, 12);
    expect(sampleVariance(m)).toBeCloseTo(32 / 7, 12);
    expect(m2FromSampleVariance(sampleVariance(m)!, m.count)).toBeCloseTo(m.m2, 12);
  });

  it('treats an empty site as neutral and small samples as having no sample variance', () => {
    const a = momentsOf([1, 2, 3]);
    expect(combineMoments(momentsOf([]), a)).toEqual(a);
    expect(combineMoments(a, momentsOf([]))).toEqual(a);
    expect(sampleVariance(momentsOf([42]))).toBeUndefined();
    expect(populationVariance(momentsOf([]))).toBeUndefined();
  });
});

describe('pooled histograms', () => {
  it('adds counts bin by bin and keeps a suppressed bin unknown', () => {
    const edges = [0, 10, 20];
    const pooled = poolHistograms([
      { edges, counts: [5, 7], below: 0, above: 3 },
      { edges, counts: [null, 4], below: 0, above: null },
    ]);
    expect(pooled).toEqual({ edges, counts: [null, 11], below: 0, above: null });
  });

  it('refuses different edges and checks edges', () => {
    expect(() => poolHistograms([
      { edges: [0, 1], counts: [1], below: 0, above: 0 },
      { edges: [0, 2], counts: [1], below: 0, above: 0 },
    ])).toThrow(/different bin edges/);
    expect(StorageSummarize.edgesProblem([0, 1, 1])).toMatch(/increase strictly/);
    expect(StorageSummarize.edgesProblem([0])).toMatch(/at least two/);
    expect(StorageSummarize.edgesProblem([0, 1, 2])).toBeUndefined();
  });
});
