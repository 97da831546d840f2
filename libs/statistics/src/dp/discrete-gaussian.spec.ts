import { discreteGaussianPmf, discreteGaussianSd, discreteGaussianVariance, floorSqrt, sampleBernoulliExp, sampleDiscreteGaussian, sampleDiscreteLaplace } from './discrete-gaussian';
import { cryptoRandom, seededRandom, type RandomSource } from './random';
import { rational, rationalFromNumber } from './rational';

// Bounds are 5 standard errors of each statistic (two-sided ~6e-7 under the null): the draws are
// seeded, so a pass is reproducible, and a correct sampler would fail with another seed only that rarely.
const SE = 5;
const DRAWS = 100_000;

/** Exact moments and tails of N_Z(0, σ²) by summation of the pmf. */
function exact(sigma2: number): { variance: number; fourth: number; tail: (k: number) => number } {
  const sigma = Math.sqrt(sigma2);
  const reach = Math.ceil(sigma * 40) + 10;
  const xs = Array.from({ length: 2 * reach + 1 }, (_, i) => i - reach);
  const weights = xs.map((x) => Math.exp((-x * x) / (2 * sigma2)));
  const norm = weights.reduce((a, w) => a + w, 0);
  const pmf = weights.map((w) => w / norm);
  // Held against the library's own pmf, which the χ² test below uses.
  expect(pmf[reach + 1]).toBeCloseTo(discreteGaussianPmf(1, sigma2), 12);
  const fourth = xs.reduce((a, x, i) => a + x ** 4 * (pmf[i] ?? 0), 0);
  const tail = (k: number): number => xs.reduce((a, x, i) => (Math.abs(x) >= k * sigma ? a + (pmf[i] ?? 0) : a), 0);
  return { variance: discreteGaussianVariance(sigma2), fourth, tail };
}

function draws(sigma: number, n: number, rng: RandomSource): number[] {
  const sigma2 = rationalFromNumber(sigma * sigma);
  return Array.from({ length: n }, () => Number(sampleDiscreteGaussian(sigma2, rng)));
}

/** The χ² critical value at upper probability 0.001 (Wilson-Hilferty, z = 3.0902). */
function chiSquareCritical(df: number): number {
  const z = 3.0902;
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

describe('discrete Gaussian sampler (CKS 2020)', () => {
  it.each([
    [1, 11],
    [3.5, 12],
    [30, 13],
  ])('σ = %p: mean, variance and P(|X| ≥ kσ), k = 1, 2, 3, over 10^5 draws are within 5 standard errors', (sigma, seed) => {
    const { variance, fourth, tail } = exact(sigma * sigma);
    const xs = draws(sigma, DRAWS, seededRandom(seed));
    const mean = xs.reduce((a, x) => a + x, 0) / DRAWS;
    const second = xs.reduce((a, x) => a + x * x, 0) / DRAWS;
    expect(Math.abs(mean)).toBeLessThan(SE * Math.sqrt(variance / DRAWS));
    expect(Math.abs(second - variance)).toBeLessThan(SE * Math.sqrt((fourth - variance * variance) / DRAWS));
    for (const k of [1, 2, 3]) {
      const p = tail(k);
      const observed = xs.filter((x) => Math.abs(x) >= k * sigma).length / DRAWS;
      expect(Math.abs(observed - p)).toBeLessThan(SE * Math.sqrt((p * (1 - p)) / DRAWS));
    }
  });

  it.each([0.5, 1, 2.25])('σ² = %p: frequencies match the exact pmf (χ² goodness of fit, p = 0.001)', (sigma2) => {
    const rng = seededRandom(Math.round(sigma2 * 100));
    const s2 = rationalFromNumber(sigma2);
    const n = 50_000;
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const x = Number(sampleDiscreteGaussian(s2, rng));
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    // Cells x with expected ≥ 5 each; the two tails beyond are lumped into one cell.
    let reach = 0;
    while (n * discreteGaussianPmf(reach + 1, sigma2) >= 5) reach++;
    let chi2 = 0;
    let inside = 0;
    let observedInside = 0;
    for (let x = -reach; x <= reach; x++) {
      const expected = n * discreteGaussianPmf(x, sigma2);
      const observed = counts.get(x) ?? 0;
      chi2 += (observed - expected) ** 2 / expected;
      inside += expected;
      observedInside += observed;
    }
    const tailExpected = n - inside;
    const tailObserved = n - observedInside;
    let df = 2 * reach; // 2·reach + 1 cells, minus one
    if (tailExpected >= 5) {
      chi2 += (tailObserved - tailExpected) ** 2 / tailExpected;
      df++;
    } else {
      expect(tailObserved).toBeLessThan(tailExpected + 5 * Math.sqrt(tailExpected) + 5);
    }
    expect(chi2).toBeLessThan(chiSquareCritical(df));
  });

  it('gives the same draws for the same seed, and uses no other randomness than the source', () => {
    const spy = jest.spyOn(Math, 'random');
    const a = draws(3.5, 200, seededRandom(7));
    const b = draws(3.5, 200, seededRandom(7));
    expect(a).toEqual(b);
    expect(draws(3.5, 200, seededRandom(8))).not.toEqual(a);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('with node:crypto (unseeded), 2·10^4 draws at σ = 3.5 have mean and variance within 5 standard errors', () => {
    const n = 20_000;
    const { variance, fourth } = exact(3.5 * 3.5);
    const xs = draws(3.5, n, cryptoRandom);
    const mean = xs.reduce((a, x) => a + x, 0) / n;
    const second = xs.reduce((a, x) => a + x * x, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(SE * Math.sqrt(variance / n));
    expect(Math.abs(second - variance)).toBeLessThan(SE * Math.sqrt((fourth - variance * variance) / n));
  });

  it('works at σ far beyond 2^48 (uniform draws from random bytes) and at a large rational σ²', () => {
    const rng = seededRandom(3);
    const sigma2 = rational(10n ** 30n, 3n); // σ ≈ 5.8e14
    const sigma = Math.sqrt(1e30 / 3);
    const xs = Array.from({ length: 2000 }, () => Number(sampleDiscreteGaussian(sigma2, rng)));
    const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, x) => a + x * x, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan((SE * sigma) / Math.sqrt(xs.length));
    expect(Math.abs(sd / sigma - 1)).toBeLessThan(SE * Math.sqrt(0.5 / xs.length));
  });

  it('refuses a non-positive σ²', () => {
    expect(() => sampleDiscreteGaussian(rational(0n), seededRandom(1))).toThrow(RangeError);
  });
});

describe('building blocks', () => {
  it.each([0.3, 1, 2.7])('Bernoulli(exp(−γ)) at γ = %p has frequency exp(−γ) within 5 standard errors', (gamma) => {
    const rng = seededRandom(Math.round(gamma * 10));
    const g = rationalFromNumber(gamma);
    const n = 40_000;
    let hits = 0;
    for (let i = 0; i < n; i++) if (sampleBernoulliExp(g, rng)) hits++;
    const p = Math.exp(-gamma);
    expect(Math.abs(hits / n - p)).toBeLessThan(SE * Math.sqrt((p * (1 - p)) / n));
  });

  it('the discrete Laplace distribution has P(0) = tanh(1/(2·scale)) and E|X| as summed, within 5 standard errors', () => {
    const rng = seededRandom(5);
    const scale = 2.5;
    const n = 40_000;
    const xs = Array.from({ length: n }, () => Number(sampleDiscreteLaplace(rationalFromNumber(scale), rng)));
    const p0 = Math.tanh(1 / (2 * scale));
    const zeros = xs.filter((x) => x === 0).length / n;
    expect(Math.abs(zeros - p0)).toBeLessThan(SE * Math.sqrt((p0 * (1 - p0)) / n));
    let norm = 0;
    let abs = 0;
    let abs2 = 0;
    for (let x = -400; x <= 400; x++) {
      const w = Math.exp(-Math.abs(x) / scale);
      norm += w;
      abs += Math.abs(x) * w;
      abs2 += x * x * w;
    }
    const meanAbs = abs / norm;
    const observed = xs.reduce((a, x) => a + Math.abs(x), 0) / n;
    expect(Math.abs(observed - meanAbs)).toBeLessThan(SE * Math.sqrt((abs2 / norm - meanAbs ** 2) / n));
    expect(Math.abs(xs.reduce((a, x) => a + x, 0) / n)).toBeLessThan(SE * Math.sqrt(abs2 / norm / n));
  });

  it('floorSqrt is exact on squares and their neighbours', () => {
    for (const r of [0n, 1n, 2n, 3n, 10n, 12345n, 2n ** 60n + 7n, 10n ** 20n]) {
      expect(floorSqrt(r * r)).toBe(r);
      if (r > 0n) expect(floorSqrt(r * r - 1n)).toBe(r - 1n);
      expect(floorSqrt(r * r + 2n * r)).toBe(r);
    }
  });

  it('reports the discrete Gaussian’s own sd: under σ for small σ², σ for large', () => {
    expect(discreteGaussianSd(rational(1n, 4n))).toBeCloseTo(Math.sqrt(0.215012675), 6);
    expect(discreteGaussianSd(rational(1n))).toBeCloseTo(Math.sqrt(0.99999979), 7);
    expect(discreteGaussianSd(rational(9n))).toBe(3);
    expect(discreteGaussianSd(rational(10n ** 30n))).toBe(1e15);
  });
});
