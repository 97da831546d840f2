// What a site's GLM release rules look at, counted either from a design (rows) or by DuckDB, and
// the rules themselves applied once to those counts (checkGlmCounts), whichever way they were counted.
import { ModellingErrorCode, PhdmfError } from '@phdmf/contracts';
import { checkLevels, checkParameters } from '../disclosure';
import type { DatasetSchema } from '../schema';
import type { SqlCondition } from '../subset/filter-sql';
import { parameterNames, type GlmModel } from './model';
import type { GlmDesign } from './site';
import { designCte } from './site-sql';

export interface GlmReleaseCounts {
  n: number;
  p: number;
  /** Records whose outcome the family does not allow (binomial: not 0/1; poisson: negative). */
  outcomeOutOfRange: number;
  /** A binomial outcome's records per value. */
  outcomeLevels: Map<string, number> | undefined;
  /** Per covariate: records per level (categorical), per value (a numeric covariate with exactly two values), else undefined. */
  covariateLevels: { column: string; levels: Map<string, number> | undefined }[];
}

/**
 * The rules: nfilter.glm (p ≤ 0.33·n), the outcome's range, no rare level of a binomial outcome,
 * a categorical covariate or a two-valued numeric covariate.
 */
export function checkGlmCounts(model: GlmModel, c: GlmReleaseCounts, threshold: number, details: Readonly<Record<string, unknown>> = {}): void {
  checkParameters(c.p, c.n, details);
  if (c.outcomeOutOfRange > 0) {
    const what = model.family === 'binomial' ? 'is 0 or 1' : 'is a count';
    throw new PhdmfError(ModellingErrorCode.TYPE_MISMATCH, `A ${model.family} outcome ${what}; "${model.outcome}" has other values`, { ...details, column: model.outcome });
  }
  if (c.outcomeLevels !== undefined) checkLevels(model.outcome, c.outcomeLevels, threshold, details);
  for (const { column, levels } of c.covariateLevels) if (levels !== undefined) checkLevels(column, levels, threshold, details);
}

function outcomeOutOfRange(model: GlmModel, y: number): boolean {
  return model.family === 'binomial' ? y !== 0 && y !== 1 : model.family === 'poisson' && y < 0;
}

/** The counts from a design (the rows' form). */
export function glmDesignCounts(model: GlmModel, d: GlmDesign): GlmReleaseCounts {
  const tally = (values: ArrayLike<number>) => {
    const m = new Map<string, number>();
    for (let i = 0; i < values.length; i++) m.set(String(values[i]), (m.get(String(values[i])) ?? 0) + 1);
    return m;
  };
  const column = (j: number) => Float64Array.from({ length: d.n }, (_, i) => d.x[i * d.p + j] ?? 0);
  const covariateLevels: GlmReleaseCounts['covariateLevels'] = [];
  let col = 1;
  for (const c of model.interceptOnly === true ? [] : model.covariates) {
    const levels = model.levels[c];
    if (levels === undefined) {
      const values = tally(column(col));
      covariateLevels.push({ column: c, levels: values.size === 2 ? values : undefined });
      col += 1;
    } else {
      const sums = levels.slice(1).map((_, j) => column(col + j).reduce((a, b) => a + b, 0));
      covariateLevels.push({ column: c, levels: new Map(levels.map((l, k) => [l, k === 0 ? d.n - sums.reduce((a, b) => a + b, 0) : (sums[k - 1] ?? 0)])) });
      col += levels.length - 1;
    }
  }
  return {
    n: d.n,
    p: d.p,
    outcomeOutOfRange: d.y.filter((y) => outcomeOutOfRange(model, y)).length,
    outcomeLevels: model.family === 'binomial' ? new Map(['0', '1'].map((v) => [v, d.y.filter((y) => String(y) === v).length])) : undefined,
    covariateLevels,
  };
}

/**
 * The counts as one DuckDB query over the design's rows (designCte), read by glmCountsFromRow. A
 * numeric covariate's range is found first (CTE r, one row) and its values counted against it in one
 * pass: whether it has exactly two values, without hashing every distinct value of a continuous
 * covariate (COUNT(DISTINCT) and per-row scalar subqueries cost a site more than an IRLS step).
 */
export function glmCountsSql(model: GlmModel, schema: DatasetSchema, from: string, subset?: SqlCondition): SqlCondition {
  const design = designCte(model, schema, from, subset);
  const range = model.family === 'binomial' ? 'y <> 0 AND y <> 1' : model.family === 'poisson' ? 'y < 0' : 'FALSE';
  const select = ['COUNT(*)', `COUNT(*) FILTER (WHERE ${range})`, 'COUNT(*) FILTER (WHERE y = 0)', 'COUNT(*) FILTER (WHERE y = 1)'];
  const ranges: string[] = [];
  let col = 1;
  for (const c of model.interceptOnly === true ? [] : model.covariates) {
    const levels = model.levels[c];
    if (levels === undefined) {
      const [x, lo, hi] = [`x${col}`, `lo${col}`, `hi${col}`];
      ranges.push(`MIN(${x}) AS ${lo}`, `MAX(${x}) AS ${hi}`);
      // Its number of values, capped at 3 (glmCountsFromRow asks only whether it is 2).
      // Two values exactly when min < max and every record is at one of them.
      const [atLo, atHi] = [`COUNT(*) FILTER (WHERE ${x} = ${lo})`, `COUNT(*) FILTER (WHERE ${x} = ${hi})`];
      const values = `CASE WHEN COUNT(*) = 0 THEN 0 WHEN ANY_VALUE(${lo}) = ANY_VALUE(${hi}) THEN 1 WHEN ${atLo} + ${atHi} = COUNT(*) THEN 2 ELSE 3 END`;
      select.push(values, `ANY_VALUE(${lo})`, `ANY_VALUE(${hi})`, atLo, atHi);
      col += 1;
    } else {
      for (let j = 0; j < levels.length - 1; j++) select.push(`SUM(x${col + j})`);
      col += levels.length - 1;
    }
  }
  const sql = ranges.length === 0 ? `${design.sql} SELECT ${select.join(', ')} FROM d` : `${design.sql}, r AS (SELECT ${ranges.join(', ')} FROM d) SELECT ${select.join(', ')} FROM d CROSS JOIN r`;
  return { sql, params: design.params };
}

export function glmCountsFromRow(model: GlmModel, row: readonly unknown[]): GlmReleaseCounts {
  const v = row.map((x) => (x === null ? 0 : Number(x)));
  let at = 4;
  const covariateLevels: GlmReleaseCounts['covariateLevels'] = [];
  for (const c of model.interceptOnly === true ? [] : model.covariates) {
    const levels = model.levels[c];
    if (levels === undefined) {
      const [distinct, min, max, atMin, atMax] = v.slice(at, at + 5);
      covariateLevels.push({ column: c, levels: distinct === 2 ? new Map([[String(min), atMin ?? 0], [String(max), atMax ?? 0]]) : undefined });
      at += 5;
    } else {
      const sums = v.slice(at, at + levels.length - 1);
      const n = v[0] ?? 0;
      covariateLevels.push({ column: c, levels: new Map(levels.map((l, k) => [l, k === 0 ? n - sums.reduce((a, b) => a + b, 0) : (sums[k - 1] ?? 0)])) });
      at += levels.length - 1;
    }
  }
  const outcomeLevels = new Map([['0', v[2] ?? 0], ['1', v[3] ?? 0]]);
  return { n: v[0] ?? 0, p: parameterNames(model).length, outcomeOutOfRange: v[1] ?? 0, outcomeLevels: model.family === 'binomial' ? outcomeLevels : undefined, covariateLevels };
}
