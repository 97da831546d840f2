import { healthRecords, healthSchema } from '../testing/data';
import { withTable } from '../testing/duckdb';
import { relativeError } from '../testing/r';
import { filterSql, matchesFilter } from '../subset/filter-sql';
import { parseFilter } from '../subset/filter';
import { fitGlm } from './fit';
import { parameterNames, parseGlmModel, type GlmModel } from './model';
import { glmNullFromRow, glmNullSql } from './null-model';
import { glmCountsFromRow, glmCountsSql, glmDesignCounts } from './release';
import { glmDesign, glmSiteStep } from './site';
import { glmStepFromRow, glmStepSql } from './site-sql';

const records = healthRecords(31, 300);
const models = [
  { family: 'gaussian', outcome: 'sbp', covariates: ['age', 'bmi', 'sex', 'smoker'], levels: { sex: ['F', 'M'], smoker: ['never', 'former', 'current'] } },
  { family: 'binomial', outcome: 'diabetes', covariates: ['age', 'bmi', 'sex'], levels: { sex: ['F', 'M'] } },
  { family: 'poisson', outcome: 'visits', covariates: ['age', 'smoker'], levels: { smoker: ['current', 'never', 'former'] }, offset: 'logyears' },
];

describe("a site's IRLS step in DuckDB SQL", () => {
  it.each(models.map((m) => [m.family, m]))('%s: equals glmSiteStep, at the start and at given coefficients, within a subset, and for the null model', async (_, input) => {
    const model = parseGlmModel(input, healthSchema);
    const subset = parseFilter({ column: 'age', op: '>', value: 30 }, healthSchema);
    const p = parameterNames(model).length;
    for (const m of [model, { ...model, interceptOnly: true }]) {
      const q = parameterNames(m).length;
      for (const beta of [null, Array.from({ length: q }, (_, j) => (j === 0 ? 0.5 : 0.01 * j))]) {
        const expected = glmSiteStep(m, glmDesign(m, records.filter((r) => matchesFilter(subset, r))), beta);
        const { sql, params } = glmStepSql(m, healthSchema, 't', beta, filterSql(subset, healthSchema));
        const got = await withTable(healthSchema, records, async (query) => glmStepFromRow(q, (await query(sql, params))[0] ?? []));
        expect(got.n).toBe(expected.n);
        expect(relativeError(got.deviance, expected.deviance)).toBeLessThan(1e-10);
        got.xtwz.forEach((v, j) => {
          expect(relativeError(v, expected.xtwz[j] ?? NaN)).toBeLessThan(1e-10);
        });
        got.xtwx.forEach((v, j) => {
          expect(Math.abs(v - (expected.xtwx[j] ?? NaN))).toBeLessThanOrEqual(1e-10 * Math.abs(expected.xtwx[j] ?? NaN) + 1e-12);
        });
      }
    }
    expect(p).toBeGreaterThan(1);
  });

  it.each(models.map((m) => [m.family, m]))('%s: counts what the release rules look at as the rows do (levels, two-valued covariates, outcome range)', async (_, input) => {
    const schema = { columns: [...healthSchema.columns, 'flag'], columnTypes: [...healthSchema.columnTypes, 'numeric' as const] };
    const flagged = records.map((r, i) => ({ ...r, flag: i % 7 === 0 ? 2.5 : -1, diabetes: i === 5 ? 2 : r['diabetes'] ?? null, visits: i === 6 ? -1 : r['visits'] ?? null }));
    const model = parseGlmModel({ ...input, covariates: [...input.covariates, 'flag'] }, schema);
    const { sql, params } = glmCountsSql(model, schema, 't');
    const got = await withTable(schema, flagged, async (query) => glmCountsFromRow(model, (await query(sql, params))[0] ?? []));
    const expected = glmDesignCounts(model, glmDesign(model, flagged));
    expect(got).toEqual(expected);
    expect(got.covariateLevels.find((c) => c.column === 'flag')?.levels?.size).toBe(2);
    expect(got.outcomeOutOfRange).toBe(model.family === 'gaussian' ? 0 : 1);
  });
});

describe("the null deviance in closed form from the sites' null terms", () => {
  it.each(models.map((m) => [m.family, m]))("%s (without its offset): equals the null model's IRLS over three sites", async (_, input) => {
    const model = parseGlmModel({ ...input, offset: undefined }, healthSchema);
    const sites = [records.slice(0, 70), records.slice(70, 160), records.slice(160)];
    const terms = await Promise.all(sites.map((rows) => withTable(healthSchema, rows, async (query) => {
      const { sql, params } = glmNullSql(model, healthSchema, 't');
      return glmNullFromRow((await query(sql, params))[0] ?? []);
    })));
    const federation = sites.map((rows) => (m: GlmModel, beta: readonly number[] | null) => Promise.resolve(glmSiteStep(m, glmDesign(m, rows), beta)));
    const [closed, iterated] = [await fitGlm(model, federation, { nullTerms: terms }), await fitGlm(model, federation)];
    expect(terms.reduce((n, t) => n + t.n, 0)).toBe(closed.n);
    expect(relativeError(closed.nullDeviance, iterated.nullDeviance)).toBeLessThan(1e-9);
    expect(closed.coefficients).toEqual(iterated.coefficients);
  });

  it('is not used for a model with an offset (R fits its null model by IRLS)', async () => {
    const input = models[2];
    const model = parseGlmModel(input, healthSchema);
    const site = (m: GlmModel, beta: readonly number[] | null) => Promise.resolve(glmSiteStep(m, glmDesign(m, records), beta));
    const wrong = [{ n: 1, sumY: 1, own: 0 }];
    expect((await fitGlm(model, [site], { nullTerms: wrong })).nullDeviance).toBe((await fitGlm(model, [site])).nullDeviance);
  });
});
