import { composeRho, deltaForZcdp, epsilonBunSteinke, rhoForSigma, sigma2ForRho, sigmaForRho, zcdpToApproxDp } from './zcdp';

/** erfc with fractional error < 1.2e-7 (Numerical Recipes' erfcc), for the Gaussian's exact δ. */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
const Phi = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

/** The exact δ(ε) of one Gaussian mechanism with Δ/σ = μ (Balle & Wang 2018, Theorem 8), which is ρ = μ²/2 zCDP. */
function gaussianDelta(rho: number, epsilon: number): number {
  const mu = Math.sqrt(2 * rho);
  return Phi(-epsilon / mu + mu / 2) - Math.exp(epsilon) * Phi(-epsilon / mu - mu / 2);
}

describe('zCDP accounting', () => {
  it('σ and ρ of the Gaussian mechanism are each other’s inverse (ρ = Δ²/(2σ²))', () => {
    expect(rhoForSigma(1, 1)).toBe(0.5);
    expect(sigmaForRho(3, 0.5)).toBeCloseTo(3, 12);
    expect(rhoForSigma(7, sigmaForRho(7, 0.013))).toBeCloseTo(0.013, 14);
    expect(() => sigmaForRho(1, 0)).toThrow(RangeError);
  });

  it('σ² for the sampler is the exact rational Δ²/(2ρ) at ρ’s decimal spelling', () => {
    expect(sigma2ForRho(1n, 0.5)).toEqual({ num: 1n, den: 1n });
    expect(sigma2ForRho(3n, 0.1)).toEqual({ num: 45n, den: 1n });
    expect(sigma2ForRho(12288n, 0.01)).toEqual({ num: 12288n * 12288n * 50n, den: 1n });
    expect(sigma2ForRho(1n, 0.03)).toEqual({ num: 50n, den: 3n });
    expect(() => sigma2ForRho(1n, 0)).toThrow(RangeError);
  });

  it('composition adds ρ', () => {
    expect(composeRho([0.1, 0.2, 0.05])).toBeCloseTo(0.35, 15);
  });

  it.each([
    [0.01, 1e-6],
    [0.1, 1e-5],
    [1, 1e-6],
    [5, 1e-9],
  ])('ρ = %p, δ = %p: the CKS ε is below Bun-Steinke’s and gives δ back; its δ lies between the Gaussian’s exact δ and Bun-Steinke’s', (rho, delta) => {
    const { epsilon, conversion } = zcdpToApproxDp(rho, delta);
    expect(conversion).toBe('CKS2020-Prop12');
    const bs = epsilonBunSteinke(rho, delta);
    expect(epsilon).toBeLessThan(bs);
    expect(epsilon).toBeGreaterThan(rho);
    expect(deltaForZcdp(rho, epsilon)).toBeLessThanOrEqual(delta * (1 + 1e-9));
    expect(deltaForZcdp(rho, epsilon * 0.999)).toBeGreaterThan(delta);
    // Any ρ-zCDP bound must hold for the Gaussian mechanism itself, and Prop. 12 improves on exp(−(ε−ρ)²/(4ρ)).
    for (const e of [epsilon * 0.5, epsilon, epsilon * 1.5]) {
      const cks = deltaForZcdp(rho, e);
      expect(cks).toBeGreaterThanOrEqual(gaussianDelta(rho, e) * (1 - 1e-5));
      if (e > rho) expect(cks).toBeLessThanOrEqual(Math.exp(-((e - rho) ** 2) / (4 * rho)));
    }
  });

  it('ρ = 0 is ε = 0; δ outside (0, 1) is refused', () => {
    expect(zcdpToApproxDp(0, 1e-6).epsilon).toBe(0);
    expect(() => zcdpToApproxDp(1, 0)).toThrow(RangeError);
    expect(() => zcdpToApproxDp(1, 1)).toThrow(RangeError);
  });
});
