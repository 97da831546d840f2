// Pooling sites' noisy dp summaries into released numbers with their noise. Pooled counts, sums
// and cells are sums, their noise variances add. Derived numbers (mean, variance, SD, quantiles)
// are functions of noisy quantities; their noise sd is by the delta method (first-order Taylor
// expansion around the noisy values, with the covariances that shared quantities create), and
// their 95 % interval is value ± 1.96·sd. Intervals cover the noise only: they are about the
// sites' clamped data (values outside the declared bounds count as the bound), not a population.
import { commonEdges } from '../grid';
import type { DpNoisyColumn, NoisyValue } from './site-summary';

/** z of the two-sided 95 % normal interval. */
export const Z95 = 1.959963984540054;

/** A released dp number: noisy value, sd of its noise, 95 % interval for the noise-free value. */
export interface DpEstimate {
  value: number;
  sd: number;
  interval: [number, number];
}

/** Codes of dp numbers not released. */
export const DpWithholdCode = {
  /** The noisy count is below the floor: a ratio over it would be mostly noise (and the delta method invalid). */
  NOISY_COUNT_TOO_SMALL: 'DP.NOISY_COUNT_TOO_SMALL',
  /** A site did not release a quantity this number needs. */
  QUANTITY_MISSING: 'DP.QUANTITY_MISSING',
  /** The sites' grids share fewer than two edges: their histograms have no common cells. */
  GRIDS_DISJOINT: 'DP.GRIDS_DISJOINT',
  /** The noisy variance's 95 % interval reaches 0: the SD (its square root) has no usable noise sd. */
  VARIANCE_TOO_NOISY: 'DP.VARIANCE_TOO_NOISY',
  /** The noisy histogram has no mass where the quantile falls. */
  QUANTILE_UNDEFINED: 'DP.QUANTILE_UNDEFINED',
} as const;
export type DpWithholdCode = (typeof DpWithholdCode)[keyof typeof DpWithholdCode];

/** A pooled dp column. Absent numbers were not asked; withheld ones say why. */
export interface DpPooledColumn {
  count?: DpEstimate;
  missing?: DpEstimate;
  /** Σ of the clamped values. */
  sum?: DpEstimate;
  mean?: DpEstimate;
  variance?: DpEstimate;
  sd?: DpEstimate;
  /** On the edges all sites' grids share; `below`/`above` hold cells of a site's grid outside them. */
  histogram?: { edges: number[]; counts: number[]; sds: number[]; below: NoisyValue; above: NoisyValue };
  quantiles?: { p: number; estimate: DpEstimate }[];
  withheld?: Record<string, { code: DpWithholdCode; reason: string }>;
}

/** What to derive, and the release rule's floor. */
export interface DpPoolRequest {
  statistics: readonly string[];
  probabilities?: readonly number[];
  /**
   * Derived numbers are released only when the noisy pooled count is at least
   * max(minCount, 5·sd(count)): below 5 sd the count could be near zero or negative by noise and
   * the ratio's linearisation fails. Default 10.
   */
  minCount?: number;
}

/** A noisy number as its value plus a linear combination of independent noise terms (id → coefficient). */
interface Linear {
  value: number;
  terms: Map<number, number>;
}

class NoiseBook {
  private readonly variances: number[] = [];
  source(v: NoisyValue): Linear {
    this.variances.push(v.sd * v.sd);
    return { value: v.value, terms: new Map([[this.variances.length - 1, 1]]) };
  }
  static combine(parts: readonly [number, Linear][]): Linear {
    const terms = new Map<number, number>();
    let value = 0;
    for (const [k, l] of parts) {
      value += k * l.value;
      for (const [id, c] of l.terms) terms.set(id, (terms.get(id) ?? 0) + k * c);
    }
    return { value, terms };
  }
  /** sd of Σ gradient_i · X_i's noise (the delta method's linear form). */
  sd(gradient: readonly [number, Linear][]): number {
    const combined = NoiseBook.combine(gradient);
    let variance = 0;
    for (const [id, c] of combined.terms) variance += c * c * (this.variances[id] ?? 0);
    return Math.sqrt(variance);
  }
}

function estimate(value: number, sd: number): DpEstimate {
  return { value, sd, interval: [value - Z95 * sd, value + Z95 * sd] };
}

/**
 * Pools one column's noisy site summaries. Sums are moved to a common centre c0 (the first
 * site's): Σ(v−c0) = Σ_s [T_s + d_s·n_s], Σ(v−c0)² = Σ_s [Q_s + 2·d_s·T_s + d_s²·n_s], d_s = c_s − c0,
 * so with one shared grid the count's noise does not enter the mean. Then
 * mean = c0 + T/N, variance = (Q − T²/N)/(N − 1), SD = √variance, each with its delta-method sd.
 */
export function poolDpColumn(parts: readonly DpNoisyColumn[], request: DpPoolRequest): DpPooledColumn {
  const first = parts[0];
  if (first === undefined) throw new Error('no site summaries to pool');
  const asked = new Set(request.statistics);
  const out: DpPooledColumn = {};
  const withheld: NonNullable<DpPooledColumn['withheld']> = {};
  const book = new NoiseBook();
  const all = (key: 'count' | 'missing' | 'sum' | 'sumSquares'): NoisyValue[] | undefined => {
    const vs = parts.map((p) => p[key]);
    return vs.every((v): v is NoisyValue => v !== undefined) ? vs : undefined;
  };
  const counts = all('count');
  const sums = all('sum');
  const squares = all('sumSquares');
  const missings = all('missing');
  const minCount = request.minCount ?? 10;

  if (asked.has('missing')) {
    if (missings === undefined) withheld['missing'] = { code: DpWithholdCode.QUANTITY_MISSING, reason: 'a site released no noisy missing count' };
    else {
      const m = NoiseBook.combine(missings.map((v) => [1, book.source(v)]));
      out.missing = estimate(m.value, book.sd([[1, m]]));
    }
  }

  const needsMoments = ['count', 'sum', 'mean', 'variance', 'sd'].some((s) => asked.has(s));
  if (needsMoments) {
    if (counts === undefined) {
      for (const s of ['count', 'sum', 'mean', 'variance', 'sd']) if (asked.has(s)) withheld[s] = { code: DpWithholdCode.QUANTITY_MISSING, reason: 'a site released no noisy count' };
    } else {
      const c0 = first.center;
      const n = counts.map((v) => book.source(v));
      const t = sums?.map((v) => book.source(v));
      const q = squares?.map((v) => book.source(v));
      const d = parts.map((p) => p.center - c0);
      const N = NoiseBook.combine(n.map((l) => [1, l]));
      const sdN = book.sd([[1, N]]);
      if (asked.has('count')) out.count = estimate(N.value, sdN);
      const T = t === undefined ? undefined : NoiseBook.combine(t.flatMap((l, s) => [[1, l], [d[s] ?? 0, n[s] as Linear]] as [number, Linear][]));
      if (asked.has('sum')) {
        if (T === undefined) withheld['sum'] = { code: DpWithholdCode.QUANTITY_MISSING, reason: 'a site released no noisy sum' };
        else {
          // Σv = c0·N + T.
          const S = NoiseBook.combine([[c0, N], [1, T]]);
          out.sum = estimate(S.value, book.sd([[1, S]]));
        }
      }
      const floor = Math.max(minCount, 5 * sdN);
      const derived = ['mean', 'variance', 'sd'].filter((s) => asked.has(s));
      if (derived.length > 0 && N.value < floor) {
        for (const s of derived) withheld[s] = { code: DpWithholdCode.NOISY_COUNT_TOO_SMALL, reason: `the noisy count ${N.value} is below ${floor.toFixed(1)} (max of ${minCount} and 5 noise sd)` };
      } else if (derived.length > 0) {
        if (T === undefined) {
          for (const s of derived) withheld[s] = { code: DpWithholdCode.QUANTITY_MISSING, reason: 'a site released no noisy sum' };
        } else {
          const Nv = N.value;
          const Tv = T.value;
          if (asked.has('mean')) out.mean = estimate(c0 + Tv / Nv, book.sd([[1 / Nv, T], [-Tv / (Nv * Nv), N]]));
          if (asked.has('variance') || asked.has('sd')) {
            if (q === undefined || t === undefined) {
              for (const s of ['variance', 'sd']) if (asked.has(s)) withheld[s] = { code: DpWithholdCode.QUANTITY_MISSING, reason: 'a site released no noisy sum of squares' };
            } else {
              const Q = NoiseBook.combine(q.flatMap((l, s) => {
                const ds = d[s] ?? 0;
                return [[1, l], [2 * ds, t[s] as Linear], [ds * ds, n[s] as Linear]] as [number, Linear][];
              }));
              const Qv = Q.value;
              // V = (Q − T²/N)/(N − 1); ∂V/∂Q = 1/(N−1), ∂V/∂T = −2T/(N(N−1)), ∂V/∂N = (T²/N²)/(N−1) − V/(N−1).
              const V = (Qv - (Tv * Tv) / Nv) / (Nv - 1);
              const gradient: [number, Linear][] = [[1 / (Nv - 1), Q], [(-2 * Tv) / (Nv * (Nv - 1)), T], [((Tv * Tv) / (Nv * Nv) - V) / (Nv - 1), N]];
              const sdV = book.sd(gradient);
              if (asked.has('variance')) out.variance = estimate(V, sdV);
              if (asked.has('sd')) {
                // The SD's interval is the square root of the variance's (a monotone map keeps its 95 %).
                // Where that interval reaches 0 the square root's delta-method sd (sdV/2s) collapses as s
                // nears 0 and no honest sd exists: the SD is withheld rather than stated too precise.
                const low = V - Z95 * sdV;
                if (low <= 0) {
                  withheld['sd'] = { code: DpWithholdCode.VARIANCE_TOO_NOISY, reason: `the noisy variance ${V.toFixed(3)} is within 1.96 noise sd (${sdV.toFixed(3)}) of 0` };
                } else {
                  const s = Math.sqrt(V);
                  out.sd = { value: s, sd: sdV / (2 * s), interval: [Math.sqrt(low), Math.sqrt(V + Z95 * sdV)] };
                }
              }
            }
          }
        }
      }
    }
  }

  if (asked.has('histogram') || asked.has('quantiles')) poolHistogram(parts, request, out, withheld, minCount);
  if (Object.keys(withheld).length > 0) out.withheld = withheld;
  return out;
}

function poolHistogram(parts: readonly DpNoisyColumn[], request: DpPoolRequest, out: DpPooledColumn, withheld: NonNullable<DpPooledColumn['withheld']>, minCount: number): void {
  const asked = new Set(request.statistics);
  const histograms = parts.map((p) => p.histogram);
  const lacking = (code: DpWithholdCode, reason: string): void => {
    for (const s of ['histogram', 'quantiles']) if (asked.has(s)) withheld[s] = { code, reason };
  };
  if (!histograms.every((h) => h !== undefined)) {
    lacking(DpWithholdCode.QUANTITY_MISSING, 'a site released no noisy histogram');
    return;
  }
  const edges = commonEdges(histograms.map((h) => ({ edges: h.edges, counts: h.counts, below: 0, above: 0 })));
  if (edges.length < 2) {
    lacking(DpWithholdCode.GRIDS_DISJOINT, 'the sites’ grids share fewer than two edges');
    return;
  }
  const first = edges[0] ?? NaN;
  const last = edges[edges.length - 1] ?? NaN;
  const counts = edges.slice(1).map(() => 0);
  const variances = edges.slice(1).map(() => 0);
  const below = { value: 0, variance: 0 };
  const above = { value: 0, variance: 0 };
  for (const h of histograms) {
    h.counts.forEach((c, i) => {
      const lo = h.edges[i] ?? NaN;
      const v = h.sd * h.sd;
      if (lo < first) [below.value, below.variance] = [below.value + c, below.variance + v];
      else if (lo >= last) [above.value, above.variance] = [above.value + c, above.variance + v];
      else {
        let j = 0;
        while (j < edges.length - 2 && lo >= (edges[j + 1] ?? Infinity)) j++;
        counts[j] = (counts[j] ?? 0) + c;
        variances[j] = (variances[j] ?? 0) + v;
      }
    });
  }
  if (asked.has('histogram')) {
    out.histogram = { edges, counts, sds: variances.map(Math.sqrt), below: { value: below.value, sd: Math.sqrt(below.variance) }, above: { value: above.value, sd: Math.sqrt(above.variance) } };
  }
  if (!asked.has('quantiles')) return;
  const probabilities = request.probabilities ?? [];
  // The CDF is read off all cells, negative noisy counts taken as 0 (post-processing costs no privacy).
  const cells = [below, ...counts.map((c, i) => ({ value: c, variance: variances[i] ?? 0 })), above];
  const mass = cells.map((c) => Math.max(c.value, 0));
  const total = mass.reduce((a, b) => a + b, 0);
  const totalVariance = cells.reduce((a, c) => a + c.variance, 0);
  const floor = Math.max(minCount, 5 * Math.sqrt(totalVariance));
  if (total < floor) {
    withheld['quantiles'] = { code: DpWithholdCode.NOISY_COUNT_TOO_SMALL, reason: `the noisy histogram's total ${total.toFixed(1)} is below ${floor.toFixed(1)}` };
    return;
  }
  const released: { p: number; estimate: DpEstimate }[] = [];
  for (const p of probabilities) {
    const q = quantileOf(edges, mass, cells, total, totalVariance, p);
    if (q === undefined) {
      withheld[`quantile ${p}`] = { code: DpWithholdCode.QUANTILE_UNDEFINED, reason: `the noisy histogram puts no mass inside the common edges at probability ${p}` };
      continue;
    }
    released.push({ p, estimate: q });
  }
  out.quantiles = released;
}

/**
 * The p-quantile by linear interpolation inside the cell where the cumulative mass reaches p·total
 * (cells 0 and last are below/above the common edges: a quantile there is undefined). Its sd by
 * the delta method through the CDF: sd(q) ≈ sd(F̂(q)) / f̂(q), F̂ = C/M with C the mass up to q
 * (whole cells plus the interpolated fraction φ of q's cell) and M the total, so
 * Var F̂ = Var C/M² + C²·Var M/M⁴ − 2·C·Cov(C, M)/M³, Cov(C, M) = Var C counting the fraction once,
 * and f̂ = (mass of q's cell)/(M·width).
 */
function quantileOf(edges: readonly number[], mass: readonly number[], cells: readonly { variance: number }[], total: number, totalVariance: number, p: number): DpEstimate | undefined {
  const target = p * total;
  let cumulative = 0;
  let varianceBefore = 0;
  for (let i = 0; i < mass.length; i++) {
    const m = mass[i] ?? 0;
    const v = cells[i]?.variance ?? 0;
    if (m > 0 && target <= cumulative + m) {
      if (i === 0 || i === mass.length - 1) return undefined;
      const lo = edges[i - 1] ?? NaN;
      const hi = edges[i] ?? NaN;
      const phi = (target - cumulative) / m;
      const value = lo + phi * (hi - lo);
      const C = target;
      const varC = varianceBefore + phi * phi * v;
      const covCM = varianceBefore + phi * v;
      const varF = varC / (total * total) + (C * C * totalVariance) / total ** 4 - (2 * C * covCM) / total ** 3;
      const density = m / (total * (hi - lo));
      return estimate(value, Math.sqrt(Math.max(varF, 0)) / density);
    }
    cumulative += m;
    varianceBefore += v;
  }
  return undefined;
}
