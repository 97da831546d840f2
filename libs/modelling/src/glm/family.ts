// The three families of issue 16 with their canonical links, as R's stats::family objects define
// them (binomial()$linkinv clamps to [ε, 1−ε], poisson()'s to ≥ ε, ε = .Machine$double.eps), so
// that the fits agree with R's glm.fit to rounding.
import { logGamma } from '../distributions';

export const GLM_FAMILIES = ['gaussian', 'binomial', 'poisson'] as const;
export type GlmFamilyName = (typeof GLM_FAMILIES)[number];

export interface GlmFamily {
  name: GlmFamilyName;
  link: 'identity' | 'logit' | 'log';
  linkfun(mu: number): number;
  linkinv(eta: number): number;
  /** dμ/dη at η. */
  muEta(eta: number): number;
  variance(mu: number): number;
  /** The record's deviance residual (squared), R's dev.resids. */
  devResid(y: number, mu: number): number;
  /** R's family$initialize: the starting μ of the first iteration. */
  muStart(y: number): number;
  /** The record's term of R's family$aic (−2 log-likelihood); gaussian's is computed from the deviance instead. */
  aicTerm(y: number, mu: number): number;
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
    aicTerm: () => 0,
    estimatesDispersion: true,
  },
  binomial: {
    name: 'binomial',
    link: 'logit',
    linkfun: (mu) => Math.log(mu / (1 - mu)),
    linkinv: (eta) => (eta < -THRESH ? EPS : eta > THRESH ? 1 - EPS : 1 / (1 + Math.exp(-eta))),
    muEta: (eta) => {
      const e = Math.exp(-Math.abs(eta));
      return Math.max(e / (1 + e) ** 2, EPS);
    },
    variance: (mu) => mu * (1 - mu),
    devResid: (y, mu) => 2 * (ylogy(y, mu) + ylogy(1 - y, 1 - mu)),
    muStart: (y) => (y + 0.5) / 2,
    aicTerm: (y, mu) => -2 * (y * Math.log(mu) + (1 - y) * Math.log(1 - mu)),
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
    aicTerm: (y, mu) => -2 * ((y > 0 ? y * Math.log(mu) : 0) - mu - logGamma(y + 1)),
    estimatesDispersion: false,
  },
};
