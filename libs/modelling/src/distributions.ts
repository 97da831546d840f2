// The distributions the tests of the modelling analyses need, from stdlib (@stdlib/*: maintained,
// one small package per function, accurate tails). Upper tails are computed as upper tails (the
// regularized upper incomplete gamma, the lower tail at −|x|), never as 1 − cdf, which rounds
// p-values under 1e-16 to 0.
import gammainc from '@stdlib/math-base-special-gammainc';
import gammaln from '@stdlib/math-base-special-gammaln';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** P(X² ≥ x) for X² ~ χ²(df): Q(df/2, x/2). */
export function chiSquareUpperTail(x: number, df: number): number {
  return x <= 0 ? 1 : gammainc(x / 2, df / 2, true, true);
}

/** P(|Z| ≥ |z|) for a standard normal Z. */
export function normalTwoSided(z: number): number {
  return 2 * normalCdf(-Math.abs(z), 0, 1);
}

/** P(|T| ≥ |t|) for Student's T with df degrees of freedom. */
export function tTwoSided(t: number, df: number): number {
  return 2 * tCdf(-Math.abs(t), df);
}

/** The standard normal's p-quantile. */
export function normalQuantileOf(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** Student's T's p-quantile with df degrees of freedom. */
export function tQuantileOf(p: number, df: number): number {
  return tQuantile(p, df);
}

/** ln Γ(x) (Poisson log-likelihoods: ln y! = ln Γ(y + 1)). */
export function logGamma(x: number): number {
  return gammaln(x);
}
