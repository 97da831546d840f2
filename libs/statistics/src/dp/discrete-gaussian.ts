// The exact discrete Gaussian sampler of Canonne, Kamath and Steinke, "The Discrete Gaussian for
// Differential Privacy" (NeurIPS 2020), Algorithms 1-3, following the authors' reference code
// (IBM/discrete-gaussian-differential-privacy, discretegauss.py). All arithmetic is on BigInt
// rationals and every random choice is a uniform integer from the injected RandomSource, so the
// output distribution is exactly N_Z(0, σ²): no rounding, no floating point, no truncated tail.
// No npm package implements it (searched the registry and code: only Python and Rust ones exist).
import { cryptoRandom, type RandomSource } from './random';
import type { Rational } from './rational';

/** Bernoulli(num/den), 0 ≤ num/den ≤ 1. */
function bernoulli(num: bigint, den: bigint, rng: RandomSource): boolean {
  return rng.uniform(den) < num;
}

/** Bernoulli(exp(−num/den)) for 0 ≤ num/den ≤ 1 (Algorithm 1, first part): the parity of the first k whose trial fails. */
function bernoulliExpUpToOne(num: bigint, den: bigint, rng: RandomSource): boolean {
  let k = 1n;
  while (bernoulli(num, den * k, rng)) k += 1n;
  return k % 2n === 1n;
}

/** Bernoulli(exp(−γ)) for any rational γ ≥ 0 (Algorithm 1): exp(−γ) = exp(−1)^⌊γ⌋ · exp(−(γ−⌊γ⌋)). */
export function sampleBernoulliExp(gamma: Rational, rng: RandomSource = cryptoRandom): boolean {
  if (gamma.num < 0n) throw new RangeError('γ must be non-negative');
  let num = gamma.num;
  const den = gamma.den;
  while (num > den) {
    if (!bernoulliExpUpToOne(1n, 1n, rng)) return false;
    num -= den;
  }
  return bernoulliExpUpToOne(num, den, rng);
}

/** Geometric: the number of successes of Bernoulli(exp(−γ)) before the first failure. */
function geometricExpSlow(gamma: Rational, rng: RandomSource): bigint {
  let k = 0n;
  while (sampleBernoulliExp(gamma, rng)) k += 1n;
  return k;
}

/** Geometric with P(k) ∝ exp(−k·s/t) (Algorithm 2, the fast form): a remainder mod t by rejection, then whole multiples of t. */
function geometricExpFast(s: bigint, t: bigint, rng: RandomSource): bigint {
  if (s === 0n) return 0n;
  let u: bigint;
  do u = rng.uniform(t);
  while (!sampleBernoulliExp({ num: u, den: t }, rng));
  const v = geometricExpSlow({ num: 1n, den: 1n }, rng);
  return (v * t + u) / s;
}

/** The discrete Laplace distribution, P(x) ∝ exp(−|x|/scale), scale = t/s > 0 (Algorithm 2). */
export function sampleDiscreteLaplace(scale: Rational, rng: RandomSource = cryptoRandom): bigint {
  if (scale.num <= 0n) throw new RangeError('the scale must be positive');
  for (;;) {
    const negative = bernoulli(1n, 2n, rng);
    const magnitude = geometricExpFast(scale.den, scale.num, rng);
    // Zero would otherwise come out twice as often as it should (as +0 and −0).
    if (negative && magnitude === 0n) continue;
    return negative ? -magnitude : magnitude;
  }
}

/** ⌊√n⌋ for a non-negative BigInt (Newton's method on integers). */
export function floorSqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('square root of a negative number');
  if (n < 2n) return n;
  let x = 1n << BigInt((n.toString(2).length + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * One draw from the discrete Gaussian N_Z(0, σ²), P(x) ∝ exp(−x²/(2σ²)) over the integers
 * (Algorithm 3): a discrete Laplace candidate with scale t = ⌊σ⌋+1, accepted with probability
 * exp(−(|Y| − σ²/t)²/(2σ²)). σ² is exact (see sigma2FromNumber for a JS number).
 */
export function sampleDiscreteGaussian(sigma2: Rational, rng: RandomSource = cryptoRandom): bigint {
  const { num: p, den: q } = sigma2;
  if (p <= 0n || q <= 0n) throw new RangeError('σ² must be positive');
  // ⌊√(p/q)⌋ = ⌊√⌊p/q⌋⌋.
  const t = floorSqrt(p / q) + 1n;
  const twoPqTt = 2n * p * q * t * t;
  for (;;) {
    const y = sampleDiscreteLaplace({ num: t, den: 1n }, rng);
    const magnitude = y < 0n ? -y : y;
    // (|Y| − σ²/t)² / (2σ²) = (|Y|·q·t − p)² / (2·p·q·t²)
    const d = magnitude * q * t - p;
    if (sampleBernoulliExp({ num: d * d, den: twoPqTt }, rng)) return y;
  }
}

/** σ² as an exact rational from a JS number (its shortest decimal spelling: 12.25 → 49/4). */
export { rationalFromNumber as sigma2FromNumber } from './rational';

/** The exact probability mass of N_Z(0, σ²) at x, in floating point (for tests and documentation, never for sampling). */
export function discreteGaussianPmf(x: number, sigma2: number): number {
  const reach = Math.ceil(Math.sqrt(sigma2) * 40) + 10;
  let normaliser = 0;
  for (let k = -reach; k <= reach; k++) normaliser += Math.exp((-k * k) / (2 * sigma2));
  return Math.exp((-x * x) / (2 * sigma2)) / normaliser;
}

/** Variance of N_Z(0, σ²), which is slightly below σ² (CKS 2020, Corollary 9); computed by summation. */
export function discreteGaussianVariance(sigma2: number): number {
  const reach = Math.ceil(Math.sqrt(sigma2) * 40) + 10;
  let normaliser = 0;
  let second = 0;
  for (let k = -reach; k <= reach; k++) {
    const w = Math.exp((-k * k) / (2 * sigma2));
    normaliser += w;
    second += k * k * w;
  }
  return second / normaliser;
}

/**
 * The standard deviation of N_Z(0, σ²), for reporting: below σ² = 4 summed from the pmf (at σ² = 0.25
 * it is 7 % under σ, at σ² = 1 by 1e-7), above it σ itself (the gap is below 1e-15 relative).
 */
export function discreteGaussianSd(sigma2: Rational): number {
  const s2 = Number(sigma2.num) / Number(sigma2.den);
  return s2 < 4 ? Math.sqrt(discreteGaussianVariance(s2)) : Math.sqrt(s2);
}
