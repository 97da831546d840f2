import { ModellingErrorCode, PhdmfError } from '@phdmf/contracts';
import type { DatasetSchema } from '../schema';
import type { RecordValue } from '../subset/filter-sql';
import { healthRecords, healthSchema } from '../testing/data';
import { codeOf } from '../testing/refusal';
import { hasR, relativeError, runR, runRText, toCsv } from '../testing/r';
import { fitGlm, type GlmResult, type GlmSite } from './fit';
import { modelColumns, parameterNames, parseGlmModel, type GlmModel } from './model';
import { openGlmSession } from './site';

type Records = Record<string, RecordValue>[];
const sites: Records[] = [healthRecords(21, 400), healthRecords(22, 300), healthRecords(23, 500)];

/** Each site's model session, opened at its first request and reused by the later iterations (as a site would). */
function federation(parts: readonly Records[], threshold = 5): GlmSite[] {
  return parts.map((records, k) => {
    const sessions = new Map<string, ReturnType<typeof openGlmSession>>();
    return (model, beta) => {
      const key = JSON.stringify(model);
      const session = sessions.get(key) ?? openGlmSession(model, records, threshold, { site: `site-${k}` });
      sessions.set(key, session);
      return Promise.resolve(session.step(beta));
    };
  });
}

const models: Record<string, unknown> = {
  gaussian: { family: 'gaussian', outcome: 'sbp', covariates: ['age', 'bmi', 'sex', 'smoker'], levels: { sex: ['F', 'M'], smoker: ['never', 'former', 'current'] } },
  binomial: { family: 'binomial', outcome: 'diabetes', covariates: ['age', 'bmi', 'sex'], levels: { sex: ['F', 'M'] } },
  poisson: { family: 'poisson', outcome: 'visits', covariates: ['age', 'smoker'], levels: { smoker: ['never', 'former', 'current'] }, offset: 'logyears' },
};
const formulas: Record<string, string> = {
  gaussian: 'sbp ~ age + bmi + sex + smoker, family = gaussian()',
  binomial: 'diabetes ~ age + bmi + sex, family = binomial()',
  poisson: 'visits ~ age + smoker + offset(logyears), family = poisson()',
};

/** R's glm on the same records: coefficients, standard errors, statistics, p-values, then deviance, null deviance, AIC, iterations, residual df. */
function rGlm(formula: string, csv: string, factors: string): number[] {
  return runR(
    `d <- read.csv("data.csv"); ${factors}
     m <- glm(${formula}, data = d); s <- coef(summary(m))
     cat(s[, 1], s[, 2], s[, 3], s[, 4], m$deviance, m$null.deviance, m$aic, m$iter, m$df.residual, sep = "\\n")`,
    csv,
  );
}

function expectLikeR(result: GlmResult, r: number[]): void {
  const p = result.coefficients.length;
  const column = (k: number) => r.slice(k * p, (k + 1) * p);
  result.coefficients.forEach((c, j) => {
    expect(relativeError(c.estimate, column(0)[j] ?? NaN)).toBeLessThan(1e-6);
    expect(relativeError(c.standardError, column(1)[j] ?? NaN)).toBeLessThan(1e-6);
    expect(relativeError(c.statistic, column(2)[j] ?? NaN)).toBeLessThan(1e-6);
    expect(relativeError(c.pValue, column(3)[j] ?? NaN)).toBeLessThan(1e-5);
  });
  const [deviance, nullDeviance, aic, iterations, dfResidual] = r.slice(4 * p);
  expect(relativeError(result.deviance, deviance ?? NaN)).toBeLessThan(1e-8);
  expect(relativeError(result.nullDeviance, nullDeviance ?? NaN)).toBeLessThan(1e-8);
  expect(relativeError(result.aic, aic ?? NaN)).toBeLessThan(1e-8);
  expect(result.iterations).toBe(iterations);
  expect(result.dfResidual).toBe(dfResidual);
  expect(result.converged).toBe(true);
}

describe('GLM by IRLS across sites', () => {
  it.each(Object.keys(models))('%s: pools to the fit of the concatenated records (1e-8 relative)', async (family) => {
    const model = parseGlmModel(models[family], healthSchema);
    const federated = await fitGlm(model, federation(sites));
    const central = await fitGlm(model, federation([sites.flat()]));
    expect(federated.iterations).toBe(central.iterations);
    federated.coefficients.forEach((c, j) => {
      const d = central.coefficients[j];
      expect(relativeError(c.estimate, d?.estimate ?? NaN)).toBeLessThan(1e-8);
      expect(relativeError(c.standardError, d?.standardError ?? NaN)).toBeLessThan(1e-8);
    });
    expect(relativeError(federated.deviance, central.deviance)).toBeLessThan(1e-8);
  });

  (hasR ? it.each(Object.keys(models)) : it.skip.each(Object.keys(models)))("%s: agrees with R's glm", async (family) => {
    const model = parseGlmModel(models[family], healthSchema);
    const result = await fitGlm(model, federation(sites));
    expect(result.coefficients.map((c) => c.name)).toEqual(parameterNames(model));
    const factors = 'd$sex <- factor(d$sex, levels = c("F", "M")); d$smoker <- factor(d$smoker, levels = c("never", "former", "current"))';
    expectLikeR(result, rGlm(formulas[family] ?? '', toCsv(healthSchema.columns, sites.flat()), factors));
  });

  (hasR ? it : it.skip)("agrees with R's glm on R's mtcars split across three sites", async () => {
    const [header = '', ...lines] = runRText('write.csv(mtcars, stdout(), row.names = FALSE, quote = FALSE)').trim().split('\n');
    const columns = header.split(',');
    const records = lines.map((l) => Object.fromEntries(l.split(',').map((v, j) => [columns[j] ?? '', Number(v)])));
    const schema: DatasetSchema = { columns, columnTypes: columns.map(() => 'numeric') };
    const parts = [0, 1, 2].map((k) => records.filter((_, i) => i % 3 === k));
    const csv = toCsv(columns, records);
    const gaussian = await fitGlm(parseGlmModel({ family: 'gaussian', outcome: 'mpg', covariates: ['wt', 'hp'] }, schema), federation(parts, 3));
    expectLikeR(gaussian, rGlm('mpg ~ wt + hp, family = gaussian()', csv, ''));
    const binomial = await fitGlm(parseGlmModel({ family: 'binomial', outcome: 'am', covariates: ['wt'] }, schema), federation(parts, 3));
    expectLikeR(binomial, rGlm('am ~ wt, family = binomial()', csv, ''));
  });

  it('refuse, naming the site and rule, too many parameters for a site, a rare level of a binary covariate or outcome', async () => {
    const refusal = async (model: GlmModel, parts: Records[]) => {
      try {
        await fitGlm(model, federation(parts));
      } catch (e) {
        return e instanceof PhdmfError ? { code: e.code, site: e.details?.['site'], rule: e.details?.['rule'] } : e;
      }
      return undefined;
    };
    const gaussian = parseGlmModel(models['gaussian'], healthSchema);
    expect(await refusal(gaussian, [sites[0] ?? [], (sites[1] ?? []).slice(0, 18)])).toEqual({ code: ModellingErrorCode.TOO_MANY_PARAMETERS, site: 'site-1', rule: 'nfilter.glm' });
    const rareSmoker = (sites[1] ?? []).map((r, i) => ({ ...r, flag: i < 3 ? 1 : 0 }));
    const schema: DatasetSchema = { columns: [...healthSchema.columns, 'flag'], columnTypes: [...healthSchema.columnTypes, 'numeric'] };
    const flagged = parseGlmModel({ family: 'gaussian', outcome: 'sbp', covariates: ['age', 'flag'] }, schema);
    expect(await refusal(flagged, [(sites[0] ?? []).map((r, i) => ({ ...r, flag: i % 2 })), rareSmoker])).toEqual({ code: ModellingErrorCode.RARE_LEVEL, site: 'site-1', rule: 'rare level' });
    const rareOutcome = (sites[2] ?? []).map((r, i) => ({ ...r, diabetes: i < 2 ? 1 : 0 }));
    expect(await refusal(parseGlmModel(models['binomial'], healthSchema), [sites[0] ?? [], rareOutcome])).toEqual({ code: ModellingErrorCode.RARE_LEVEL, site: 'site-1', rule: 'rare level' });
    const rareSex = (sites[2] ?? []).map((r, i) => ({ ...r, sex: i < 4 ? 'M' : 'F' }));
    expect(await refusal(parseGlmModel(models['binomial'], healthSchema), [rareSex, sites[0] ?? []])).toEqual({ code: ModellingErrorCode.RARE_LEVEL, site: 'site-0', rule: 'rare level' });
  });

  it('refuse a collinear design as singular', async () => {
    const schema: DatasetSchema = { columns: [...healthSchema.columns, 'age2'], columnTypes: [...healthSchema.columnTypes, 'numeric'] };
    const doubled = sites.map((records) => records.map((r) => ({ ...r, age2: 2 * (r['age'] as number) })));
    await expect(fitGlm(parseGlmModel({ family: 'gaussian', outcome: 'sbp', covariates: ['age', 'age2'] }, schema), federation(doubled))).rejects.toMatchObject({ code: ModellingErrorCode.SINGULAR });
  });

  it('check a model against the schema and name the columns it reads', () => {
    const cases: [unknown, string][] = [
      [{ family: 'gamma', outcome: 'sbp', covariates: [] }, ModellingErrorCode.REQUEST_INVALID],
      [{ family: 'gaussian', outcome: 'sex', covariates: [] }, ModellingErrorCode.TYPE_MISMATCH],
      [{ family: 'gaussian', outcome: 'sbp', covariates: ['nope'] }, ModellingErrorCode.UNKNOWN_COLUMN],
      [{ family: 'gaussian', outcome: 'sbp', covariates: ['sex'] }, ModellingErrorCode.REQUEST_INVALID],
      [{ family: 'gaussian', outcome: 'sbp', covariates: ['sex'], levels: { sex: ['F'] } }, ModellingErrorCode.REQUEST_INVALID],
      [{ family: 'gaussian', outcome: 'sbp', covariates: ['age'], levels: { age: ['1', '2'] } }, ModellingErrorCode.REQUEST_INVALID],
      [{ family: 'gaussian', outcome: 'sbp', covariates: ['age', 'age'] }, ModellingErrorCode.REQUEST_INVALID],
      [{ family: 'gaussian', outcome: 'sbp', covariates: ['age'], offset: 'sex' }, ModellingErrorCode.TYPE_MISMATCH],
      [{ family: 'gaussian', outcome: 'sbp', covariates: ['age'], interceptOnly: 'yes' }, ModellingErrorCode.REQUEST_INVALID],
    ];
    for (const [input, code] of cases) expect([input, codeOf(() => parseGlmModel(input, healthSchema))]).toEqual([input, code]);
    expect(modelColumns(parseGlmModel(models['poisson'], healthSchema))).toEqual(['age', 'logyears', 'smoker', 'visits']);
    expect(parameterNames(parseGlmModel(models['gaussian'], healthSchema))).toEqual(['(Intercept)', 'age', 'bmi', 'sexM', 'smokerformer', 'smokercurrent']);
    // The null model travels as a model too (a site opens it as a session of its own, over the same records).
    const gaussian = { family: 'gaussian', outcome: 'sbp', covariates: ['age', 'sex'], levels: { sex: ['F', 'M'] } };
    const nullModel = parseGlmModel({ ...gaussian, interceptOnly: true }, healthSchema);
    expect(nullModel.interceptOnly).toBe(true);
    expect(parameterNames(nullModel)).toEqual(['(Intercept)']);
    expect(parseGlmModel({ ...gaussian, interceptOnly: false }, healthSchema).interceptOnly).toBeUndefined();
  });
});
