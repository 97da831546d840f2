// A site's part of a federated GLM (DataSHIELD's glmDS2): for the coefficients it is sent, the
// sums over its own records of XᵀWX, XᵀWz, the deviance and the AIC terms. The model session is
// opened once (design built, disclosure checked) and answers every iteration; nothing else of the
// records leaves it.
import type { RecordValue } from '../subset/filter-sql';
import { FAMILIES } from './family';
import { parameterNames, type GlmModel } from './model';
import { checkGlmCounts, glmDesignCounts } from './release';

/** A site's design: n records (complete cases) by p parameters, row-major. */
export interface GlmDesign {
  n: number;
  p: number;
  x: Float64Array;
  y: Float64Array;
  offset: Float64Array | undefined;
  /** Σ of the family's aicOffset over the records (the part of the AIC that does not depend on β). */
  aicOffset: number;
}

/** What a site releases per iteration. xtwx is p×p row-major; aicTerms is R's family$aic over its records (binomial, poisson). */
export interface GlmSiteStep {
  n: number;
  xtwx: number[];
  xtwz: number[];
  deviance: number;
  aicTerms: number;
}

/**
 * The design matrix of a site's records: an intercept, each numeric covariate, an indicator per
 * non-reference level. A record missing the outcome, a covariate or the offset is left out (R's
 * na.omit), and so is one whose level is not among the listed levels (the model does not cover it).
 */
export function glmDesign(model: GlmModel, records: readonly Readonly<Record<string, RecordValue>>[]): GlmDesign {
  const p = parameterNames(model).length;
  const rows: number[][] = [];
  const ys: number[] = [];
  const offsets: number[] = [];
  for (const r of records) {
    const y = r[model.outcome];
    const o = model.offset === undefined ? 0 : r[model.offset];
    if (typeof y !== 'number' || typeof o !== 'number') continue;
    const row = [1];
    let complete = true;
    for (const c of model.covariates) {
      const v = r[c];
      const levels = model.levels[c];
      if (levels === undefined) {
        if (typeof v !== 'number') complete = false;
        else row.push(v);
      } else {
        const k = typeof v === 'string' ? levels.indexOf(v) : -1;
        if (k < 0) complete = false;
        else row.push(...levels.slice(1).map((_, j) => (j + 1 === k ? 1 : 0)));
      }
    }
    if (!complete) continue;
    rows.push(model.interceptOnly === true ? [1] : row);
    ys.push(y);
    offsets.push(o);
  }
  const x = new Float64Array(rows.length * p);
  rows.forEach((row, i) => {
    x.set(row, i * p);
  });
  const aicOffset = ys.reduce((sum, y) => sum + FAMILIES[model.family].aicOffset(y), 0);
  return { n: rows.length, p, x, y: Float64Array.from(ys), offset: model.offset === undefined ? undefined : Float64Array.from(offsets), aicOffset };
}

/**
 * One IRLS iteration's sums at a site (R's glm.fit loop body, before the solve): η = Xβ + offset
 * (or, on the first call, the link of the family's starting μ), μ, the deviance and AIC terms at
 * μ, the working weights W = (dμ/dη)²/V(μ) and responses z = η − offset + (y − μ)/(dμ/dη).
 */
export function glmSiteStep(model: GlmModel, d: GlmDesign, beta: readonly number[] | null): GlmSiteStep {
  // The family's functions as locals: the loop below runs once per record and iteration.
  const { linkfun, linkinv, muEta, variance, devResid, muStart } = FAMILIES[model.family];
  const { n, p, x, y, offset } = d;
  const xtwx = new Float64Array(p * p);
  const xtwz = new Float64Array(p);
  let deviance = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i] ?? 0;
    const oi = offset?.[i] ?? 0;
    const base = i * p;
    let eta: number;
    if (beta === null) eta = linkfun(muStart(yi));
    else {
      eta = oi;
      for (let j = 0; j < p; j++) eta += (x[base + j] ?? 0) * (beta[j] ?? 0);
    }
    const mu = linkinv(eta);
    deviance += devResid(yi, mu);
    const g = muEta(eta);
    const w = (g * g) / variance(mu);
    const z = eta - oi + (yi - mu) / g;
    for (let j = 0; j < p; j++) {
      const wx = w * (x[base + j] ?? 0);
      xtwz[j] = (xtwz[j] ?? 0) + wx * z;
      for (let k = j; k < p; k++) xtwx[j * p + k] = (xtwx[j * p + k] ?? 0) + wx * (x[base + k] ?? 0);
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) xtwx[j * p + k] = xtwx[k * p + j] ?? 0;
  return { n, xtwx: [...xtwx], xtwz: [...xtwz], deviance, aicTerms: deviance + d.aicOffset };
}

/** A site's model session: the design built and its release checked once, then one step per iteration. */
export interface GlmSession {
  step(beta: readonly number[] | null): GlmSiteStep;
}

export function openGlmSession(model: GlmModel, records: readonly Readonly<Record<string, RecordValue>>[], threshold: number, details: Readonly<Record<string, unknown>> = {}): GlmSession {
  const design = glmDesign(model, records);
  checkGlmCounts(model, glmDesignCounts(model, design), threshold, details);
  return { step: (beta) => glmSiteStep(model, design, beta) };
}
