// The null deviance of a model without an offset in closed form, as R's glm.fit computes it: the
// intercept-only model's fitted mean is the pooled mean ȳ of the outcome (for the canonical links of
// every family here), so its deviance is Σ devResid(y, ȳ) — no IRLS. R fits the null model by IRLS
// only when there is an offset; fitGlm does the same. A site answers three sums over its design's
// records (n, Σy and a term free of μ), from which the coordinator pools the deviance at ȳ. Each is
// already implied by what the null model's IRLS steps released (a step at a constant η gives Σy and
// the deviance at a chosen μ), so the sums release nothing those steps did not.
import type { DatasetSchema } from '../schema';
import type { GlmFamilyName } from './family';
import type { GlmModel } from './model';
import { designCte } from './site-sql';

/**
 * A site's sums for the null deviance: its records n, Σy, and `own` — binomial: Σ y·ln y + (1−y)·ln(1−y);
 * poisson: Σ y·ln y (0·ln 0 = 0, as R's y_log_y); gaussian: Σ (y − ȳ_site)², the site's own spread
 * (pooled with the means' spread, which keeps the precision of a two-pass sum).
 */
export interface GlmNullTerms {
  n: number;
  sumY: number;
  own: number;
}

const OWN_SQL: Record<GlmFamilyName, string> = {
  binomial: 'SUM((CASE WHEN y > 0 THEN y * ln(y) ELSE 0 END) + (CASE WHEN 1 - y > 0 THEN (1 - y) * ln(1 - y) ELSE 0 END))',
  poisson: 'SUM(CASE WHEN y > 0 THEN y * ln(y) ELSE 0 END)',
  gaussian: 'SUM((y - (SELECT AVG(y) FROM d)) * (y - (SELECT AVG(y) FROM d)))',
};

/** The query of a site's null terms over the model's complete cases in `from` (one row: n, Σy, own). */
export function glmNullSql(model: GlmModel, schema: DatasetSchema, from: string): { sql: string; params: (number | string)[] } {
  // Only the outcome matters, but the complete cases are those of the whole model's design.
  const design = designCte({ ...model, interceptOnly: true }, schema, from);
  return { sql: `${design.sql} SELECT COUNT(*), SUM(y), ${OWN_SQL[model.family]} FROM d`, params: design.params };
}

export function glmNullFromRow(row: readonly unknown[]): GlmNullTerms {
  const [n, sumY, own] = row.map((x) => (x === null || x === undefined ? 0 : Number(x)));
  return { n: n ?? 0, sumY: sumY ?? 0, own: own ?? 0 };
}

/** y·ln(μ), 0 when y is 0 (R's y_log_y convention). */
function yLogMu(y: number, mu: number): number {
  return y > 0 ? y * Math.log(mu) : 0;
}

/** The pooled null deviance Σ devResid(y, ȳ) over every site's records, from their terms. */
export function pooledNullDeviance(family: GlmFamilyName, sites: readonly GlmNullTerms[]): number {
  const n = sites.reduce((s, t) => s + t.n, 0);
  const sumY = sites.reduce((s, t) => s + t.sumY, 0);
  const own = sites.reduce((s, t) => s + t.own, 0);
  const mean = sumY / n;
  switch (family) {
    case 'binomial':
      return 2 * (own - yLogMu(sumY, mean) - yLogMu(n - sumY, 1 - mean));
    case 'poisson':
      // Σ (y − ȳ) is 0 at the pooled mean: only the logarithms remain.
      return 2 * (own - yLogMu(sumY, mean));
    case 'gaussian':
      return sites.reduce((s, t) => (t.n === 0 ? s : s + t.own + t.n * (t.sumY / t.n - mean) ** 2), 0);
  }
}
