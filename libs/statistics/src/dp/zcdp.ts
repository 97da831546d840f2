// Zero-concentrated differential privacy (Bun & Steinke 2016) accounting. Budgets are in ρ because
// zCDP composes by adding ρ exactly (Bun & Steinke, Lemma 2.3) and the Gaussian mechanism's cost is
// exact in it: releasing x + N_Z(0, σ²) for a quantity of L2 sensitivity Δ is (Δ²/(2σ²))-zCDP, for
// the discrete Gaussian as for the continuous one (Canonne, Kamath, Steinke 2020, Theorem 14).
import { multiply, rational, rationalFromNumber, type Rational } from './rational';

/** ρ of the (discrete) Gaussian mechanism: Δ²/(2σ²). */
export function rhoForSigma(sensitivity: number, sigma: number): number {
  return (sensitivity * sensitivity) / (2 * sigma * sigma);
}

/** σ that spends exactly ρ on a quantity of L2 sensitivity Δ: Δ/√(2ρ). */
export function sigmaForRho(sensitivity: number, rho: number): number {
  if (!(rho > 0)) throw new RangeError('ρ must be positive');
  return sensitivity / Math.sqrt(2 * rho);
}

/** σ² = Δ²/(2ρ) as an exact rational, for the sampler (Δ an integer, ρ at its decimal spelling). */
export function sigma2ForRho(sensitivity: bigint, rho: number | Rational): Rational {
  const r = typeof rho === 'number' ? rationalFromNumber(rho) : rho;
  if (r.num <= 0n) throw new RangeError('ρ must be positive');
  return multiply(rational(sensitivity * sensitivity), rational(r.den, 2n * r.num));
}

/** ε of ρ-zCDP at δ by Bun & Steinke 2016, Proposition 1.3: ρ + 2√(ρ·ln(1/δ)). Simple, looser. */
export function epsilonBunSteinke(rho: number, delta: number): number {
  return rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
}

/**
 * δ at which ρ-zCDP is (ε, δ)-DP by Canonne, Kamath, Steinke 2020, Proposition 12 (also Asoodeh et
 * al. 2020): inf over α > 1 of exp((α−1)(αρ−ε)) / (α−1) · (1−1/α)^α, the infimum found by bisection
 * on the derivative's sign as in the authors' cdp2adp.py. Floating point: for display, not for noise.
 */
export function deltaForZcdp(rho: number, epsilon: number): number {
  if (rho < 0 || epsilon < 0) throw new RangeError('ρ and ε must be non-negative');
  if (rho === 0) return 0;
  let lo = 1.01;
  let hi = (epsilon + 1) / (2 * rho) + 2;
  let alpha = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    alpha = (lo + hi) / 2;
    const derivative = (2 * alpha - 1) * rho - epsilon + Math.log1p(-1 / alpha);
    if (derivative < 0) lo = alpha;
    else hi = alpha;
  }
  const delta = Math.exp((alpha - 1) * (alpha * rho - epsilon) + alpha * Math.log1p(-1 / alpha)) / (alpha - 1);
  return Math.min(delta, 1);
}

/** The (ε, δ) a ρ-zCDP budget implies, and which conversion gave ε. */
export interface ApproxDp {
  epsilon: number;
  delta: number;
  /** 'CKS2020-Prop12': Canonne-Kamath-Steinke 2020 Prop. 12 (tighter than Bun-Steinke's ρ + 2√(ρ ln 1/δ)). */
  conversion: 'CKS2020-Prop12';
}

/**
 * The smallest ε (to 1e-12 relative, by bisection) with ρ-zCDP ⇒ (ε, δ)-DP under CKS 2020 Prop. 12;
 * never above Bun-Steinke's ε, which bounds the search.
 */
export function zcdpToApproxDp(rho: number, delta: number): ApproxDp {
  if (!(delta > 0 && delta < 1)) throw new RangeError('δ must be in (0, 1)');
  if (rho === 0) return { epsilon: 0, delta, conversion: 'CKS2020-Prop12' };
  let lo = 0;
  let hi = epsilonBunSteinke(rho, delta);
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (deltaForZcdp(rho, mid) <= delta) hi = mid;
    else lo = mid;
  }
  return { epsilon: hi, delta, conversion: 'CKS2020-Prop12' };
}

/** Composition: the ρ of several releases is their sum (Bun & Steinke 2016, Lemma 2.3). */
export function composeRho(rhos: readonly number[]): number {
  return rhos.reduce((s, r) => s + r, 0);
}
