// The coordinator's IRLS across sites (DataSHIELD ds.glm, R's glm.fit): each round sends the
// current coefficients to every site's model session, adds their XᵀWX, XᵀWz, deviances and AIC
// terms, checks convergence as R does — |dev − dev_old| / (|dev| + 0.1) < 1e-8, at most 25
// iterations — and otherwise solves the pooled normal equations for the next coefficients. The
// first round sends no coefficients: the sites start from the family's μ, as R's glm.fit does.
import type { GlmCoefficientView, GlmFitView } from '@phdmf/contracts';
import { normalQuantileOf, normalTwoSided, tQuantileOf, tTwoSided } from '../distributions';
import { FAMILIES } from './family';
import { choleskyInverse, cholesky, choleskySolve } from './linalg';
import { parameterNames, type GlmModel } from './model';
import { pooledNullDeviance, type GlmNullTerms } from './null-model';
import type { GlmSiteStep } from './site';

/** A site's model session as the coordinator sees it (over NATS later: the site's signed answer). */
export type GlmSite = (model: GlmModel, beta: readonly number[] | null) => Promise<GlmSiteStep>;

export const GLM_EPSILON = 1e-8;
export const GLM_MAX_ITERATIONS = 25;

/**
 * A fitted model is released as it is fitted: the coordinator's result is the contracts' view of it
 * (ModelAnalysisResult.glm), one shape for both.
 */
export type GlmCoefficient = GlmCoefficientView;
export type GlmResult = GlmFitView;

interface Irls {
  beta: number[];
  pooled: GlmSiteStep;
  /** The pooled XᵀWX the last coefficients were solved from (weights at the coefficients before). */
  solvedFrom: number[];
  iterations: number;
  converged: boolean;
}

function pool(steps: readonly GlmSiteStep[]): GlmSiteStep {
  const [first, ...rest] = steps;
  if (first === undefined) throw new Error('a model needs at least one site');
  return rest.reduce(
    (acc, s) => ({ n: acc.n + s.n, xtwx: acc.xtwx.map((v, i) => v + (s.xtwx[i] ?? 0)), xtwz: acc.xtwz.map((v, i) => v + (s.xtwz[i] ?? 0)), deviance: acc.deviance + s.deviance, aicTerms: acc.aicTerms + s.aicTerms }),
    first,
  );
}

async function irls(model: GlmModel, sites: readonly GlmSite[]): Promise<Irls> {
  const p = parameterNames(model).length;
  let beta: number[] | null = null;
  let solvedFrom: number[] = [];
  let devOld = 0;
  for (let iterations = 0; ; iterations++) {
    const pooled = pool(await Promise.all(sites.map((site) => site(model, beta))));
    if (beta !== null) {
      const converged = Math.abs(pooled.deviance - devOld) / (Math.abs(pooled.deviance) + 0.1) < GLM_EPSILON;
      if (converged || iterations >= GLM_MAX_ITERATIONS) return { beta, pooled, solvedFrom, iterations, converged };
    }
    devOld = pooled.deviance;
    solvedFrom = pooled.xtwx;
    beta = choleskySolve(cholesky(pooled.xtwx, p), p, pooled.xtwz);
  }
}

/** What fitGlm may be given besides the sites. */
export interface GlmFitOptions {
  /** The Wald intervals' level (0.95). */
  level?: number;
  /**
   * Every site's null terms (null-model.ts), for a model without an offset: the null deviance is
   * then R's closed form at the pooled mean, and the null model is not fitted by IRLS.
   */
  nullTerms?: readonly GlmNullTerms[];
}

/**
 * Fits the model across the sites, then its null model (intercept and offset only) for the null
 * deviance, as R's glm.fit does when there is an offset; without one, given the sites' null terms,
 * the null deviance is R's closed form (Σ devResid(y, ȳ)) instead — the same number, no iterations.
 * Standard errors come from the XᵀWX the final coefficients were solved from, as R's summary.glm
 * takes them from the last iteration's QR (weights at the coefficients one iteration before; at
 * convergence the two differ by about 1e-4 relative, so this choice is what makes them agree).
 */
export async function fitGlm(model: GlmModel, sites: readonly GlmSite[], options: GlmFitOptions = {}): Promise<GlmResult> {
  const { level = 0.95, nullTerms } = options;
  const names = parameterNames(model);
  const p = names.length;
  const fit = await irls(model, sites);
  const closedForm = model.offset === undefined && nullTerms !== undefined;
  const nullDeviance = model.covariates.length === 0 ? fit.pooled.deviance : closedForm ? pooledNullDeviance(model.family, nullTerms) : (await irls({ ...model, interceptOnly: true }, sites)).pooled.deviance;
  const family = FAMILIES[model.family];
  const { n, deviance } = fit.pooled;
  const dfResidual = n - p;
  const dispersion = family.estimatesDispersion ? deviance / dfResidual : 1;
  const inverse = choleskyInverse(cholesky(fit.solvedFrom, p), p);
  const covariance = inverse.map((v) => v * dispersion);
  const q = family.estimatesDispersion ? tQuantileOf(1 - (1 - level) / 2, dfResidual) : normalQuantileOf(1 - (1 - level) / 2);
  const coefficients = names.map((name, j): GlmCoefficient => {
    const estimate = fit.beta[j] ?? NaN;
    const standardError = Math.sqrt(covariance[j * p + j] ?? NaN);
    const statistic = estimate / standardError;
    return {
      name,
      estimate,
      standardError,
      statistic,
      pValue: family.estimatesDispersion ? tTwoSided(statistic, dfResidual) : normalTwoSided(statistic),
      interval: [estimate - q * standardError, estimate + q * standardError],
    };
  });
  // R's family$aic, + 2 per parameter (gaussian's counts its dispersion too: the + 2 inside).
  const aicFamily = model.family === 'gaussian' ? n * (Math.log((2 * Math.PI * deviance) / n) + 1) + 2 : fit.pooled.aicTerms;
  return {
    family: model.family,
    coefficients,
    covariance,
    statistic: family.estimatesDispersion ? 't' : 'z',
    dispersion,
    deviance,
    nullDeviance,
    dfResidual,
    dfNull: n - 1,
    aic: aicFamily + 2 * p,
    n,
    iterations: fit.iterations,
    converged: fit.converged,
    level,
  };
}
