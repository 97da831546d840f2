// The three families of issue 16 with their canonical links, as R's stats::family objects define
// them (binomial()$linkinv clamps to [ε, 1−ε], poisson()'s to ≥ ε, ε = .Machine$double.eps), so
// that the fits agree with R's glm.fit to rounding.
import { logGamma } from '../distributions';

export const GLM_FAMILIES = ['gaussian', 'binomial', 'poisson'] as const;
export type GlmFamilyName = (typeof GLM_FAMILIES)[number];

export interface GlmFamily {
  name: GlmFamilyName;
  link: 'identity' | 'logit' | 'log';
  linkfun: (mu: number) => number;
  linkinv: (eta: number) => number;
  /** dμ/dη at η. */
  muEta: (eta: number) => number;
  variance: (mu: number) => number;
  /** The record's deviance residual (squared), R's dev.resids. */
  devResid: (y: number, mu: number) => number;
  /** R's family$initialize: the starting μ of the first iteration. */
  muStart: (y: number) => number;
  /**
   * R's family$aic (−2 log-likelihood) is the deviance plus a sum over the records that does not
   * depend on μ: this is a record's term of that sum (gaussian's aic is computed from the deviance
   * alone). Computed once per design, it spares each iteration a logarithm or two per record.
   */
  aicOffset: (y: number) => number;
  /** Whether the dispersion is estimated (gaussian: t statistics) or fixed at 1 (z statistics). */
  estimatesDispersion: boolean;
}

const EPS = 2.220446049250313e-16;
/** R's binomial linkinv threshold: −log(ε). */
const THRESH = 36.04365338911715;
const ylogy = (y: number, mu: number) => (y > 0 ? y * Math.log(y / mu) : 0);

export const FAMILIES: Record<GlmFamilyName, GlmFamily> = {
  gaussian: {
    name: 'gaussian',
    link: 'identity',
    linkfun: (mu) => mu,
    linkinv: (eta) => eta,
    muEta: () => 1,
    variance: () => 1,
    devResid: (y, mu) => (y - mu) ** 2,
    muStart: (y) => y,
    aicOffset: () => 0,
    estimatesDispersion: true,
  },
  binomial: {
    name: 'binomial',
    link: 'logit',
    linkfun: (mu) => Math.log(mu / (1 - mu)),
    linkinv: (eta) => (eta < -THRESH ? EPS : eta > THRESH ? 1 - EPS : 1 / (1 + Math.exp(-eta))),
    muEta: (eta) => {
      const e = Math.exp(-Math.abs(eta));
      return Math.max(e / ((1 + e) * (1 + e)), EPS);
    },
    variance: (mu) => mu * (1 - mu),
    devResid: (y, mu) => 2 * (ylogy(y, mu) + ylogy(1 - y, 1 - mu)),
    muStart: (y) => (y + 0.5) / 2,
    // −2 Σ log dbinom(y, 1, μ) is the deviance itself for 0/1 outcomes.
    aicOffset: () => 0,
    estimatesDispersion: false,
  },
  poisson: {
    name: 'poisson',
    link: 'log',
    linkfun: (mu) => Math.log(mu),
    linkinv: (eta) => Math.max(Math.exp(eta), EPS),
    muEta: (eta) => Math.max(Math.exp(eta), EPS),
    variance: (mu) => mu,
    devResid: (y, mu) => 2 * (ylogy(y, mu) - (y - mu)),
    muStart: (y) => y + 0.1,
    // −2 Σ (y log μ − μ − ln y!) = deviance + 2 Σ (ln y! − y log y + y).
    aicOffset: (y) => 2 * (logGamma(y + 1) - ylogy(y, 1) + y),
    estimatesDispersion: false,
  },
};
