import type { StorageSummarize } from '@phdmf/contracts';
import { momentsOf, sampleVariance } from './moments';
import { interpolate, poolColumn, PoolWithholdCode, statisticsNeededFromSites, type PoolRequest, type SitePart } from './pooling';

/** A deterministic generator, so a failure can be reproduced. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function relative(a: number | undefined, b: number): number {
  if (a === undefined) return Infinity;
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** quantile_cont: linear interpolation between order statistics (DuckDB's and R's type 7). */
function quantileCont(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] ?? NaN;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? NaN;
  return a + (h - lo) * (b - a);
}

function histogramOf(values: readonly number[], edges: readonly number[]): { edges: number[]; counts: number[]; below: number; above: number } {
  const last = edges.length - 1;
  const counts = edges.slice(1).map(() => 0);
  let below = 0;
  let above = 0;
  for (const x of values) {
    if (x < (edges[0] ?? 0)) below++;
    else if (x > (edges[last] ?? 0)) above++;
    else {
      let i = 0;
      while (i < last - 1 && x >= (edges[i + 1] ?? 0)) i++;
      counts[i] = (counts[i] ?? 0) + 1;
    }
  }
  return { edges: [...edges], counts, below, above };
}

/** What a storage node with exact min/max would release of a column (numbers computed two-pass, as DuckDB does). */
function siteSummary(values: readonly number[], missing: number, probabilities: readonly number[], edges: readonly number[]): StorageSummarize.ColumnSummary {
  const n = values.length;
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const m2 = values.reduce((s, x) => s + (x - mean) * (x - mean), 0);
  const sorted = [...values].sort((a, b) => a - b);
  return {
    name: 'bmi',
    type: 'numeric',
    count: n,
    missing,
    sum: values.reduce((s, x) => s + x, 0),
    mean,
    variance: m2 / (n - 1),
    sd: Math.sqrt(m2 / (n - 1)),
    m2,
    min: sorted[0] ?? NaN,
    max: sorted[n - 1] ?? NaN,
    minMaxExact: true,
    quantiles: probabilities.map((p) => ({ p, value: quantileCont(sorted, p) })),
    histogram: histogramOf(values, edges),
  };
}

const ALL: PoolRequest['statistics'] = ['count', 'missing', 'sum', 'min', 'max', 'mean', 'variance', 'sd', 'quantiles', 'histogram'];

describe('pooling site summaries into a released column', () => {
  const rnd = lcg(42);
  // Sites of very different sizes and offsets: where naive pooling of sums of squares loses precision.
  const sites = [4_000, 17, 1_250].map((n, k) => Array.from({ length: n }, () => 1e5 + k * 250 + rnd() * 40));
  const edges = [99_990, 100_100, 100_300, 100_600];
  const probabilities = [0.25, 0.5, 0.75];
  const parts: SitePart[] = sites.map((values, k) => ({ site: `node-${k}`, column: siteSummary(values, k, probabilities, edges) }));
  const all = sites.flat();

  it('equals one computation over the concatenated data (count, missing, sum, mean, variance, SD to 1e-9; min, max, histogram exactly)', () => {
    const pooled = poolColumn('bmi', parts, { statistics: ALL, probabilities, minCount: 3 });
    const direct = momentsOf(all);
    expect(pooled.suppressed).toBeUndefined();
    expect(pooled.count).toBe(all.length);
    expect(pooled.missing).toBe(0 + 1 + 2);
    expect(relative(pooled.sum, direct.sum)).toBeLessThan(1e-9);
    expect(relative(pooled.mean, direct.mean)).toBeLessThan(1e-9);
    expect(relative(pooled.variance, sampleVariance(direct) ?? NaN)).toBeLessThan(1e-9);
    expect(relative(pooled.sd, Math.sqrt(sampleVariance(direct) ?? NaN))).toBeLessThan(1e-9);
    expect(pooled.min).toBe(Math.min(...all));
    expect(pooled.max).toBe(Math.max(...all));
    expect(pooled.minMaxExact).toBe(true);
    expect(pooled.histogram).toEqual(histogramOf(all, edges));
    expect(pooled.withheld).toBeUndefined();
  });

  it('pools quantiles from the pooled histogram, labelled approximate, with bounds that hold the true quantile', () => {
    const pooled = poolColumn('bmi', parts, { statistics: ALL, probabilities, minCount: 3 });
    const sorted = [...all].sort((a, b) => a - b);
    expect(pooled.quantiles).toHaveLength(3);
    for (const q of pooled.quantiles ?? []) {
      expect(q).toMatchObject({ approximate: true, method: 'pooled-histogram' });
      const truth = quantileCont(sorted, q.p);
      expect(truth).toBeGreaterThanOrEqual(q.bounds?.[0] ?? Infinity);
      expect(truth).toBeLessThanOrEqual(q.bounds?.[1] ?? -Infinity);
    }
  });

  it('without a histogram, pools quantiles as the count-weighted mean of the sites\' (approximate); one site\'s are exact', () => {
    const pooled = poolColumn('bmi', parts, { statistics: ['count', 'quantiles'], probabilities: [0.5], minCount: 3 });
    const expected = parts.reduce((s, p) => s + (p.column.count ?? 0) * (p.column.quantiles?.[1]?.value ?? 0), 0) / all.length;
    expect(pooled.quantiles).toEqual([{ p: 0.5, value: expected, approximate: true, method: 'count-weighted-mean' }]);
    const single = poolColumn('bmi', parts.slice(0, 1), { statistics: ['quantiles'], probabilities: [0.5], minCount: 3 });
    expect(single.quantiles).toEqual([{ p: 0.5, value: parts[0]?.column.quantiles?.[1]?.value, approximate: false, method: 'single-site' }]);
  });

  it('releases only the statistics asked for', () => {
    const pooled = poolColumn('bmi', parts, { statistics: ['mean'], minCount: 3 });
    expect(Object.keys(pooled).sort()).toEqual(['mean', 'name', 'type']);
  });

  it('labels min and max as bounds when any site perturbed them', () => {
    const perturbed = parts.map((p, i) => (i === 1 ? { ...p, column: { ...p.column, minMaxExact: false } } : p));
    expect(poolColumn('bmi', perturbed, { statistics: ['min', 'max'], minCount: 3 }).minMaxExact).toBe(false);
  });
});

describe('disclosure control at the pool', () => {
  const site = (site: string, column: Partial<StorageSummarize.ColumnSummary>): SitePart => ({ site, column: { name: 'age', type: 'numeric', ...column } });

  it('withholds a pooled column below the pool threshold, releasing none of its numbers', () => {
    const parts = [site('a', { count: 2, mean: 1, m2: 0, missing: 0 }), site('b', { count: 2, mean: 3, m2: 0, missing: 0 })];
    const pooled = poolColumn('age', parts, { statistics: ['count', 'missing', 'mean'], minCount: 5 });
    expect(pooled).toEqual({ name: 'age', type: 'numeric', suppressed: { code: PoolWithholdCode.BELOW_THRESHOLD, reason: 'the column has fewer than 5 non-missing values' } });
    expect(poolColumn('age', parts, { statistics: ['count'], minCount: 4 }).count).toBe(4);
  });

  it('withholds a column that any site suppressed, naming the site, rather than pooling the others alone', () => {
    const parts = [site('a', { count: 500, mean: 1 }), site('b', { suppressed: { code: 'DISCLOSURE.BELOW_THRESHOLD', reason: 'the column has fewer than 3 non-missing values' } })];
    const pooled = poolColumn('age', parts, { statistics: ['count', 'mean'], minCount: 3 });
    expect(pooled.count).toBeUndefined();
    expect(pooled.mean).toBeUndefined();
    expect(pooled.suppressed?.code).toBe(PoolWithholdCode.SITE_SUPPRESSED);
    expect(pooled.suppressed?.reason).toContain('site b');
  });

  it('withholds a statistic a site withheld, quoting the site\'s code and reason', () => {
    const parts = [
      site('a', { count: 10, quantiles: [{ p: 0.5, value: 3 }] }),
      site('b', { count: 10, quantiles: [{ p: 0.5, value: 5 }], withheld: { quantiles: { code: 'DISCLOSURE.QUANTILE_OUTSIDE_BAND', reason: 'probabilities 0.99 are outside the allowed band' } } }),
    ];
    const pooled = poolColumn('age', parts, { statistics: ['quantiles', 'mean'], probabilities: [0.5, 0.99], minCount: 3 });
    expect(pooled.quantiles).toEqual([{ p: 0.5, value: 4, approximate: true, method: 'count-weighted-mean' }]);
    expect(pooled.withheld?.quantiles?.code).toBe('DISCLOSURE.QUANTILE_OUTSIDE_BAND');
    expect(pooled.withheld?.quantiles?.reason).toMatch(/0\.99.*site b/);
    expect(pooled.withheld?.mean?.code).toBe(PoolWithholdCode.SITE_WITHHELD);
  });

  it('blanks a pooled histogram cell below the threshold or built from a site\'s blanked cell; empty cells stay 0', () => {
    const edges = [0, 10, 20, 30];
    const parts = [
      site('a', { count: 12, histogram: { edges, counts: [1, 0, 7], below: 0, above: 4 } }),
      site('b', { count: 9, histogram: { edges, counts: [1, 0, null], below: 0, above: 8 } }),
    ];
    const pooled = poolColumn('age', parts, { statistics: ['histogram'], minCount: 3 });
    // [0, 10) holds 2 records, [20, 30] is unknown (b blanked its part): together fewer than 3 known
    // records, so the smallest other non-empty cell (above, 12) is withheld with them.
    expect(pooled.histogram).toEqual({ edges, counts: [null, 0, null], below: 0, above: null });
    expect(pooled.withheld?.histogram?.code).toBe(PoolWithholdCode.SITE_SUPPRESSED);
    expect(pooled.withheld?.histogram?.reason).toBe(
      'cells [0, 10) are below 3 records; cells [20, 30] were blanked by a site; cells above are withheld too, so that those cannot be recovered from the count',
    );
    const raised = poolColumn('age', parts.slice(0, 1), { statistics: ['histogram'], minCount: 5 });
    expect(raised.histogram).toEqual({ edges, counts: [null, 0, 7], below: 0, above: null });
    expect(raised.withheld?.histogram?.code).toBe(PoolWithholdCode.BELOW_THRESHOLD);
  });

  it('interpolates quantiles only in a histogram released whole: with a blank cell it pools the sites\' quantiles', () => {
    const edges = [0, 10, 20, 30];
    const part = (name: string, counts: number[], median: number) =>
      site(name, { count: counts.reduce((a, b) => a + b, 0), quantiles: [{ p: 0.5, value: median }], histogram: { edges, counts, below: 0, above: 0 } });
    const whole = poolColumn('age', [part('a', [4, 6, 5], 14), part('b', [3, 5, 4], 16)], { statistics: ['count', 'quantiles', 'histogram'], probabilities: [0.5], minCount: 3 });
    expect(whole.quantiles?.[0]?.method).toBe('pooled-histogram');
    // A pooled cell of 2 records: blanked (with a complementary cell), so the quantile would tell how
    // many records the blank cells before it hold.
    const blank = poolColumn('age', [part('a', [1, 6, 5], 14), part('b', [1, 5, 4], 16)], { statistics: ['count', 'quantiles', 'histogram'], probabilities: [0.5], minCount: 3 });
    expect(blank.histogram?.counts).toEqual([null, 11, null]);
    expect(blank.quantiles?.[0]).toMatchObject({ method: 'count-weighted-mean', approximate: true });
  });

  it('cannot check its threshold without every site\'s count', () => {
    const pooled = poolColumn('age', [site('a', { count: 10, mean: 1 }), site('b', { mean: 2 })], { statistics: ['mean'], minCount: 3 });
    expect(pooled.suppressed?.code).toBe(PoolWithholdCode.SITE_WITHHELD);
  });
});

describe('what the sites are asked for', () => {
  it('always the count; the mean with variance or SD', () => {
    expect(statisticsNeededFromSites(['sd'])).toEqual(['count', 'mean', 'sd']);
    expect(statisticsNeededFromSites(['max', 'min'])).toEqual(['count', 'min', 'max']);
    expect(statisticsNeededFromSites(['count', 'variance', 'mean'])).toEqual(['count', 'mean', 'variance']);
  });
});

describe('quantile from a histogram', () => {
  it('interpolates inside the bin holding it, and refuses an unknown cell or a tail outside the edges', () => {
    const h = { edges: [0, 10, 20], counts: [5, 5], below: 0, above: 0 };
    expect(interpolate(h, 0.5)).toEqual({ value: 10, bounds: [0, 10] });
    expect(interpolate(h, 0.75)).toEqual({ value: 15, bounds: [10, 20] });
    expect(interpolate({ ...h, counts: [5, null] }, 0.5)).toBeUndefined();
    expect(interpolate({ ...h, below: 10 }, 0.25)).toBeUndefined();
  });
});
