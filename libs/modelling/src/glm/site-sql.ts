// A site's IRLS step as one DuckDB query, so that a site sums XᵀWX, XᵀWz and the deviance where
// the data are instead of streaming records into JavaScript. The same formulas as glmSiteStep and
// family.ts (R's links and clamps), term for term; the tests hold the two equal.
import { quotedColumn, type DatasetSchema } from '../schema';
import type { SqlCondition } from '../subset/filter-sql';
import type { GlmFamilyName } from './family';
import { parameterNames, type GlmModel } from './model';

const EPS = '2.220446049250313e-16';
const THRESH = '36.04365338911715';

/** Per family, SQL over the columns eta, mu, y: [linkfun(mustart(y)), linkinv(eta), muEta(eta), variance(mu), devResid(y, mu)]. */
const FAMILY_SQL: Record<GlmFamilyName, { start: string; mu: string; g: string; variance: string; dev: string }> = {
  gaussian: { start: 'y', mu: 'eta', g: '1.0', variance: '1.0', dev: '(y - mu) * (y - mu)' },
  binomial: {
    start: 'ln(((y + 0.5) / 2) / (1 - (y + 0.5) / 2))',
    mu: `CASE WHEN eta < -${THRESH} THEN ${EPS} WHEN eta > ${THRESH} THEN 1 - ${EPS} ELSE 1 / (1 + exp(-eta)) END`,
    g: `greatest(exp(-abs(eta)) / ((1 + exp(-abs(eta))) * (1 + exp(-abs(eta)))), ${EPS})`,
    variance: 'mu * (1 - mu)',
    dev: '2 * ((CASE WHEN y > 0 THEN y * ln(y / mu) ELSE 0 END) + (CASE WHEN 1 - y > 0 THEN (1 - y) * ln((1 - y) / (1 - mu)) ELSE 0 END))',
  },
  poisson: {
    start: 'ln(y + 0.1)',
    mu: `greatest(exp(eta), ${EPS})`,
    g: `greatest(exp(eta), ${EPS})`,
    variance: 'mu',
    dev: '2 * ((CASE WHEN y > 0 THEN y * ln(y / mu) ELSE 0 END) - (y - mu))',
  },
};

/**
 * The query: one row with n, the deviance, XᵀWz (p values) and the upper triangle of XᵀWX (row by
 * row), over the complete cases of the model's columns (a level outside the listed levels is not a
 * complete case, as in glmDesign) within the subset. β travels as parameters.
 */
export function glmStepSql(model: GlmModel, schema: DatasetSchema, from: string, beta: readonly number[] | null, subset?: SqlCondition): SqlCondition {
  const design = designCte(model, schema, from, subset);
  const p = parameterNames(model).length;
  const f = FAMILY_SQL[model.family];
  const eta = beta === null ? f.start : ['o', ...Array.from({ length: p }, (_, j) => `x${j} * CAST(? AS DOUBLE)`)].join(' + ');
  const betaParams = beta === null ? [] : Array.from({ length: p }, (_, j) => beta[j] ?? 0);
  const sums = ['COUNT(*)', `SUM(${f.dev})`, ...Array.from({ length: p }, (_, j) => `SUM(w * x${j} * z)`)];
  for (let j = 0; j < p; j++) for (let k = j; k < p; k++) sums.push(`SUM(w * x${j} * x${k})`);
  const sql = [
    `${design.sql},`,
    `e AS (SELECT *, ${eta} AS eta FROM d),`,
    `m AS (SELECT *, ${f.mu} AS mu, ${f.g} AS g FROM e),`,
    `w AS (SELECT *, g * g / (${f.variance}) AS w, eta - o + (y - mu) / g AS z FROM m)`,
    `SELECT ${sums.join(', ')} FROM w`,
  ].join(' ');
  return { sql, params: [...design.params, ...betaParams] };
}

/**
 * `WITH d AS (…)`: the design's rows — x0 … x(p−1) (intercept, numeric covariates, indicators), y
 * and o (the offset) — over the complete cases of the model's columns (a level outside the listed
 * levels is not a complete case, as in glmDesign) within the subset.
 */
export function designCte(model: GlmModel, schema: DatasetSchema, from: string, subset?: SqlCondition): SqlCondition {
  const params: (number | string)[] = [];
  const q = (c: string) => quotedColumn(schema, c);
  const xs: string[] = ['1.0'];
  const present: string[] = [`${q(model.outcome)} IS NOT NULL`, ...(model.offset === undefined ? [] : [`${q(model.offset)} IS NOT NULL`])];
  const presentParams: string[] = [];
  for (const c of model.covariates) {
    const levels = model.levels[c];
    if (levels === undefined) {
      present.push(`${q(c)} IS NOT NULL`);
      if (model.interceptOnly !== true) xs.push(`CAST(${q(c)} AS DOUBLE)`);
    } else {
      present.push(`${q(c)} IN (${levels.map(() => 'CAST(? AS VARCHAR)').join(', ')})`);
      presentParams.push(...levels);
      if (model.interceptOnly !== true) {
        for (const level of levels.slice(1)) {
          xs.push(`CASE WHEN ${q(c)} = CAST(? AS VARCHAR) THEN 1.0 ELSE 0.0 END`);
          params.push(level);
        }
      }
    }
  }
  const offset = model.offset === undefined ? '0.0' : `CAST(${q(model.offset)} AS DOUBLE)`;
  const where = [...present, ...(subset === undefined ? [] : [subset.sql])].join(' AND ');
  return {
    sql: `WITH d AS (SELECT ${xs.map((x, j) => `${x} AS x${j}`).join(', ')}, CAST(${q(model.outcome)} AS DOUBLE) AS y, ${offset} AS o FROM ${from} WHERE ${where})`,
    params: [...params, ...presentParams, ...(subset?.params ?? [])],
  };
}

/** The query's row as a step (aicTerms left to the caller: deviance + the design's aicOffset). */
export function glmStepFromRow(p: number, row: readonly unknown[]): { n: number; deviance: number; xtwz: number[]; xtwx: number[] } {
  const v = row.map((x) => (x === null ? 0 : Number(x)));
  const xtwz = v.slice(2, 2 + p);
  const upper = v.slice(2 + p);
  const xtwx = new Array<number>(p * p).fill(0);
  let t = 0;
  for (let j = 0; j < p; j++) {
    for (let k = j; k < p; k++) {
      const value = upper[t++] ?? 0;
      xtwx[j * p + k] = value;
      xtwx[k * p + j] = value;
    }
  }
  return { n: v[0] ?? 0, deviance: v[1] ?? 0, xtwz, xtwx };
}
