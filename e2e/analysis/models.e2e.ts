// Federated models over their NATS contracts, everything real: nats-server, the ledger service
// (embedded ledger running the chaincode), three storage nodes with their own files, DuckDB and keys,
// and the aggregation service. Each model is checked against the same computation over the
// concatenated records (libs/modelling in one process) to 1e-8, and against R on R's own mtcars split
// over the sites to 1e-6; the disclosure refusals are performed as attacks and watched on the wire.
import { createHash } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  AggregationGetAnalysis,
  AggregationGetAnalysisChart,
  AggregationListAnalyses,
  AggregationRunAnalysis,
  AggregationRunModel,
  canonicalJson,
  LedgerGetAnalysis,
  type LedgerColumnType,
  type ModelAnalysisResult,
} from '@phdmf/contracts';
import type { ActorHeader } from '@phdmf/messaging';
import {
  chiSquareTest,
  correlationMatrix,
  countCrossTable,
  fitGlm,
  glmDesign,
  glmSiteStep,
  matchesFilter,
  pairMoments,
  pairsOf,
  parseFilter,
  parseGlmModel,
  type DatasetSchema,
  type GlmResult,
} from '@phdmf/modelling';
import { hasR, runR } from '../../libs/modelling/src/testing/r';
import { ADMIN, LocalApi, World, type Site } from '../../apps/data-storage/test-support/world';
import { startAggregation } from './support/aggregation';
import { COHORT_COLUMNS, concatenated, modelCohort, mtcarsParts, type Part, type Row } from './support/model-cohorts';
import { ModelTap } from './support/model-tap';

// Three sites, a ledger and IRLS rounds on a shared two-core machine: minutes, not seconds.
jest.setTimeout(300_000);

const researcher: ActorHeader = { userId: 'researcher-1', roles: ['researcher'] };
const outsider: ActorHeader = { userId: 'researcher-2', roles: ['researcher'] };
const NODES = ['node-a', 'node-b', 'node-c'];

const COHORT_TYPES: LedgerColumnType[] = ['numeric', 'numeric', 'categorical', 'numeric', 'numeric', 'categorical', 'numeric', 'numeric', 'numeric', 'numeric'];
const cohortSchema: DatasetSchema = { columns: COHORT_COLUMNS, columnTypes: COHORT_TYPES };

function rel(a: number | null | undefined, b: number | null | undefined): number {
  if (typeof a !== 'number' || typeof b !== 'number') return a === b ? 0 : Infinity;
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** The single computation: libs/modelling's IRLS over the concatenated records, as one site. */
function centralGlm(model: unknown, schema: DatasetSchema, rows: readonly Row[]): Promise<GlmResult> {
  const parsed = parseGlmModel(model, schema);
  return fitGlm(parsed, [(m, beta) => Promise.resolve(glmSiteStep(m, glmDesign(m, rows), beta))]);
}

function expectSameFit(federated: ModelAnalysisResult['glm'], central: GlmResult, tolerance: number): void {
  expect(federated).toBeDefined();
  const fit = federated!;
  expect(fit.coefficients.map((c) => c.name)).toEqual(central.coefficients.map((c) => c.name));
  fit.coefficients.forEach((c, j) => {
    const ref = central.coefficients[j]!;
    expect([c.name, rel(c.estimate, ref.estimate)]).toEqual([c.name, expect.any(Number)]);
    expect(rel(c.estimate, ref.estimate)).toBeLessThanOrEqual(tolerance);
    expect(rel(c.standardError, ref.standardError)).toBeLessThanOrEqual(tolerance);
    expect(rel(c.pValue, ref.pValue)).toBeLessThanOrEqual(1e-6);
  });
  for (const k of ['deviance', 'nullDeviance', 'aic'] as const) expect(rel(fit[k], central[k])).toBeLessThanOrEqual(tolerance);
  expect([fit.n, fit.dfResidual, fit.iterations, fit.converged]).toEqual([central.n, central.dfResidual, central.iterations, central.converged]);
}

describe('federated models (real NATS, ledger, three storage nodes, aggregation)', () => {
  let world: World;
  let aggregation: INestApplication;
  let tap: ModelTap;
  const sites: Site[] = [];
  const cohorts: Part[] = [];
  const cohortSets: string[] = [];
  const mtcars = mtcarsParts(3);
  const mtcarsSets: string[] = [];
  const grants: string[] = [];

  const run = (p: AggregationRunModel.Payload, actor = researcher) => world.bus.request(AggregationRunModel.CONTRACT, p, { actor, timeoutMs: 120_000 });
  const failureOf = (p: AggregationRunModel.Payload, actor = researcher) =>
    run(p, actor).then(
      () => {
        throw new Error('the model was expected to be refused');
      },
      (e: unknown) => e as { code: string; message: string; details?: Record<string, unknown> },
    );

  beforeAll(async () => {
    world = await World.start();
    const members = [await world.admit('hospital-a', 'node-a'), await world.admit('hospital-b', 'node-b'), await world.admit('hospital-c', 'node-c')];
    for (const m of members) sites.push(await world.startSite(m));
    aggregation = await startAggregation(world.nats.url, world.root, world.logger, { SITE_TIMEOUT_MS: '20000' });
    tap = await ModelTap.open(world.nats.url, NODES);
    for (const [i, site] of sites.entries()) {
      const staff = new LocalApi(site, await world.token({ userId: `staff-${i}`, organisationId: site.organisationId, roles: ['member'] }));
      const upload = async (csv: string, name: string) => {
        const res = await staff.upload(csv, `name=${name}&fileName=${name}.csv`);
        expect(res.status).toBe(201);
        return (res.json as { datasetId: string }).datasetId;
      };
      const cohort = modelCohort([600, 900, 400][i] ?? 100, i + 1);
      cohorts.push(cohort);
      cohortSets.push(await upload(cohort.csv, `cohort-${i}`));
      mtcarsSets.push(await upload(mtcars.parts[i]!.csv, `mtcars-${i}`));
      const statistics = ['count', 'missing', 'sum', 'mean', 'variance', 'sd', 'table', 'correlation', 'glm'] as const;
      grants.push(await world.grant({ datasetId: cohortSets[i]!, owner: site.organisationId, requester: researcher.userId, columns: COHORT_COLUMNS, statistics: [...statistics] }));
      await world.grant({ datasetId: mtcarsSets[i]!, owner: site.organisationId, requester: researcher.userId, columns: mtcars.all.columns, statistics: [...statistics] });
    }
  }, 240_000);

  afterAll(async () => {
    await tap.close().catch(() => undefined);
    await aggregation.close().catch(() => undefined);
    await world.dispose();
  });

  const all = () => concatenated(cohorts).rows;

  it('pools a two-way table within a subset exactly, tests it, and records it on-chain as one analysis', async () => {
    const filter = { column: 'age', op: '>=', value: 40 };
    const mark = await tap.count();
    const result = await run({ kind: 'table', datasets: cohortSets, filter, table: { rows: { column: 'sex' }, columns: { column: 'smoker' } } });
    const parsed = parseFilter(filter, cohortSchema);
    const direct = countCrossTable(all().filter((r) => matchesFilter(parsed, r)).map((r) => [r.sex as string, r.smoker as string]));
    expect(result.table).toMatchObject({ rows: direct.rows, columns: direct.columns, counts: direct.counts });
    const test = chiSquareTest(direct)!;
    expect(rel(result.table?.chiSquare?.statistic, test.statistic)).toBeLessThanOrEqual(1e-8);
    expect(rel(result.table?.chiSquare?.pValue, test.pValue)).toBeLessThanOrEqual(1e-8);
    expect(result.table?.total).toBe(direct.counts.flat().reduce<number>((s, n) => s + (n ?? 0), 0));
    // One table request per site, nothing else.
    expect((await tap.since(mark)).map((s) => [s.nodeId, s.operation]).sort()).toEqual(NODES.map((n) => [n, 'table']));

    const { resultHash, txId, blockNumber: _block, ...released } = result;
    expect(createHash('sha256').update(canonicalJson(released)).digest('hex')).toBe(resultHash);
    const onChain = await world.bus.request(LedgerGetAnalysis.CONTRACT, { analysisId: result.analysisId }, { actor: ADMIN });
    expect(onChain).toMatchObject({ statistics: ['table'], columns: ['age', 'sex', 'smoker'], resultHash, txId, requester: researcher.userId });
    expect(onChain.grants.map((g) => g.datasetId)).toEqual(cohortSets);
    expect(onChain.iterations).toBeUndefined();

    // Stored, listed, charted (grouped bars).
    expect(await world.bus.request(AggregationGetAnalysis.CONTRACT, { analysisId: result.analysisId }, { actor: researcher })).toEqual(result);
    const list = await world.bus.request(AggregationListAnalyses.CONTRACT, {}, { actor: researcher });
    expect(list.items.find((i) => i.analysisId === result.analysisId)).toMatchObject({ statistics: ['table'], columns: ['age', 'sex', 'smoker'] });
    const { svg } = await world.bus.request(AggregationGetAnalysisChart.CONTRACT, { analysisId: result.analysisId }, { actor: researcher });
    expect(svg).toContain('<svg');
    expect(svg).toContain('Records by sex and smoker');
  });

  it('pools correlation moments exactly (pairwise complete, within a subset)', async () => {
    const filter = { column: 'sex', op: '=', value: 'F' };
    const columns = ['age', 'bmi', 'sbp'];
    const result = await run({ kind: 'correlation', datasets: cohortSets, filter, correlation: { columns } });
    const parsed = parseFilter(filter, cohortSchema);
    const rows = all().filter((r) => matchesFilter(parsed, r));
    const col = (c: string) => rows.map((r) => (typeof r[c] === 'number' ? (r[c]) : null));
    const direct = correlationMatrix({ columns, pairs: pairsOf(columns.length).map(([i, j]) => pairMoments(col(columns[i]!), col(columns[j]!))) });
    const m = result.correlation!;
    expect(m.n).toEqual(direct.n);
    direct.correlation.forEach((line, i) => { line.forEach((r, j) => {
      expect(rel(m.correlation[i]?.[j], r)).toBeLessThanOrEqual(1e-8);
      expect(rel(m.covariance[i]?.[j], direct.covariance[i]?.[j])).toBeLessThanOrEqual(1e-8);
    }); });
    direct.pairs.forEach((p, k) => {
      expect(rel(m.pairs[k]?.pValue, p.pValue)).toBeLessThanOrEqual(1e-8);
      expect(rel(m.pairs[k]?.interval?.[0], p.interval?.[0])).toBeLessThanOrEqual(1e-8);
    });
    const { svg } = await world.bus.request(AggregationGetAnalysisChart.CONTRACT, { analysisId: result.analysisId }, { actor: researcher });
    expect(svg).toContain('Pearson correlation');
  });

  it.each([
    ['binomial', { family: 'binomial', outcome: 'diabetes', covariates: ['age', 'bmi', 'sex'], levels: { sex: ['F', 'M'] } }],
    ['gaussian', { family: 'gaussian', outcome: 'sbp', covariates: ['age', 'bmi', 'smoker'], levels: { smoker: ['no', 'yes'] } }],
    ['poisson', { family: 'poisson', outcome: 'visits', covariates: ['age', 'smoker'], levels: { smoker: ['no', 'yes'] } }],
  ] as const)('fits a %s GLM across the sites exactly as IRLS over the concatenated records, one session per site', async (_family, glm) => {
    const mark = await tap.count();
    const result = await run({ kind: 'glm', datasets: cohortSets, glm: JSON.parse(JSON.stringify(glm)) as AggregationRunModel.GlmSpec });
    const central = await centralGlm(glm, cohortSchema, all());
    expectSameFit(result.glm, central, 1e-8);
    const seen = await tap.since(mark);
    // Each site: one session opened (it serves the null model too), then closed; every iteration one step.
    for (const nodeId of NODES) {
      const ops = seen.filter((s) => s.nodeId === nodeId).map((s) => s.operation);
      expect(ops.filter((o) => o === 'glm.open')).toHaveLength(1);
      expect(ops.filter((o) => o === 'glm.close')).toHaveLength(1);
      expect(ops.filter((o) => o === 'glm.step').length).toBeGreaterThan(result.glm!.iterations);
    }
    const onChain = await world.bus.request(LedgerGetAnalysis.CONTRACT, { analysisId: result.analysisId }, { actor: ADMIN });
    expect(onChain).toMatchObject({ statistics: ['glm'], iterations: result.glm!.iterations, resultHash: result.resultHash });
    const { svg } = await world.bus.request(AggregationGetAnalysisChart.CONTRACT, { analysisId: result.analysisId }, { actor: researcher });
    expect(svg).toContain('GLM coefficients');
  });

  (hasR ? it : it.skip)('agrees with R on mtcars split over the three sites: glm (binomial, gaussian), cor.test, chisq.test', async () => {
    const binomial = await run({ kind: 'glm', datasets: mtcarsSets, glm: { family: 'binomial', outcome: 'am', covariates: ['wt', 'hp'] } });
    const gaussian = await run({ kind: 'glm', datasets: mtcarsSets, glm: { family: 'gaussian', outcome: 'mpg', covariates: ['wt', 'hp'] } });
    const csv = mtcars.all.csv;
    for (const [result, formula] of [[binomial, 'am ~ wt + hp, family = binomial()'], [gaussian, 'mpg ~ wt + hp, family = gaussian()']] as const) {
      const r = runR(`d <- read.csv("data.csv"); m <- glm(${formula}, data = d); s <- coef(summary(m)); cat(s[, 1], s[, 2], m$deviance, m$null.deviance, m$aic, sep = "\\n")`, csv);
      const fit = result.glm!;
      const p = fit.coefficients.length;
      fit.coefficients.forEach((c, j) => {
        expect(rel(c.estimate, r[j])).toBeLessThan(1e-6);
        expect(rel(c.standardError, r[p + j])).toBeLessThan(1e-6);
      });
      expect(rel(fit.deviance, r[2 * p])).toBeLessThan(1e-6);
      expect(rel(fit.nullDeviance, r[2 * p + 1])).toBeLessThan(1e-6);
      expect(rel(fit.aic, r[2 * p + 2])).toBeLessThan(1e-6);
    }
    const cor = await run({ kind: 'correlation', datasets: mtcarsSets, correlation: { columns: ['mpg', 'wt', 'hp'] } });
    const rc = runR('d <- read.csv("data.csv"); t <- cor.test(d$mpg, d$wt); u <- cor.test(d$wt, d$hp); cat(t$estimate, t$p.value, t$conf.int, u$estimate, sep = "\\n")', csv);
    const mpgWt = cor.correlation!.pairs.find((x) => x.columns.join() === 'mpg,wt')!;
    expect(rel(mpgWt.r, rc[0])).toBeLessThan(1e-6);
    expect(rel(mpgWt.pValue, rc[1])).toBeLessThan(1e-6);
    expect(rel(mpgWt.interval?.[0], rc[2])).toBeLessThan(1e-6);
    expect(rel(mpgWt.interval?.[1], rc[3])).toBeLessThan(1e-6);
    expect(rel(cor.correlation!.pairs.find((x) => x.columns.join() === 'wt,hp')?.r, rc[4])).toBeLessThan(1e-6);
    // The table's test on the cohorts (mtcars' cells are too small to release at 10 records a site).
    const table = await run({ kind: 'table', datasets: cohortSets, table: { rows: { column: 'sex' }, columns: { column: 'smoker' } } });
    const rt = runR('d <- read.csv("data.csv"); t <- chisq.test(table(d$sex, d$smoker), correct = FALSE); cat(t$statistic, t$p.value, sep = "\\n")', concatenated(cohorts).csv);
    expect(rel(table.table?.chiSquare?.statistic, rt[0])).toBeLessThan(1e-6);
    expect(rel(table.table?.chiSquare?.pValue, rt[1])).toBeLessThan(1e-6);
  });

  it('summarizes within a subset and by stratum, exactly as over the concatenated records', async () => {
    const filter = { column: 'age', op: '>=', value: 40 };
    const result = await world.bus.request(
      AggregationRunAnalysis.CONTRACT,
      { datasets: cohortSets, columns: ['sbp', 'bmi'], statistics: ['count', 'mean', 'variance'], filter, stratum: { column: 'smoker' } },
      { actor: researcher, timeoutMs: 120_000 },
    );
    const parsed = parseFilter(filter, cohortSchema);
    const rows = all().filter((r) => matchesFilter(parsed, r));
    const stats = (subset: readonly Row[], c: string) => {
      const xs = subset.map((r) => r[c]).filter((v): v is number => typeof v === 'number');
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return { count: xs.length, mean, variance: xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1) };
    };
    const expectColumns = (columns: readonly { name: string; count?: number; mean?: number; variance?: number }[], subset: readonly Row[]) => {
      for (const c of ['sbp', 'bmi']) {
        const got = columns.find((x) => x.name === c);
        const want = stats(subset, c);
        expect(got?.count).toBe(want.count);
        expect(rel(got?.mean, want.mean)).toBeLessThanOrEqual(1e-8);
        expect(rel(got?.variance, want.variance)).toBeLessThanOrEqual(1e-8);
      }
    };
    expectColumns(result.columns, rows);
    expect(result.strata?.column).toBe('smoker');
    expect(result.strata?.levels.map((l) => l.level)).toEqual(['no', 'yes']);
    for (const level of result.strata!.levels) {
      expect(level.sites).toEqual(NODES);
      expectColumns(level.columns, rows.filter((r) => r.smoker === level.level));
    }
    const onChain = await world.bus.request(LedgerGetAnalysis.CONTRACT, { analysisId: result.analysisId }, { actor: ADMIN });
    expect(onChain.columns).toEqual(['sbp', 'bmi', 'age', 'smoker']);
    const { svg } = await world.bus.request(AggregationGetAnalysisChart.CONTRACT, { analysisId: result.analysisId, statistic: 'mean', by: 'stratum' }, { actor: researcher });
    expect(svg).toContain('smoker yes');
  });

  describe('disclosure: each attack refused with the rule and the site, and no number released', () => {
    it('a subset isolating fewer records than the threshold (DISCLOSURE.SUBSET_TOO_SMALL)', async () => {
      const error = await failureOf({ kind: 'correlation', datasets: [cohortSets[0]!], filter: { column: 'marker', op: '=', value: 40 }, correlation: { columns: ['age', 'sbp'] } });
      expect(error.code).toBe('DISCLOSURE.SUBSET_TOO_SMALL');
      expect(error.details).toMatchObject({ nodeId: 'node-a', datasetId: cohortSets[0] });
      expect(error.message).toContain('node "node-a"');
    });

    it('the complement trick: everything but a few records (DISCLOSURE.COMPLEMENT_TOO_SMALL)', async () => {
      const error = await failureOf({ kind: 'table', datasets: [cohortSets[1]!], filter: { column: 'marker', op: 'is missing' }, table: { rows: { column: 'sex' } } });
      expect(error.code).toBe('DISCLOSURE.COMPLEMENT_TOO_SMALL');
      expect(error.details).toMatchObject({ nodeId: 'node-b' });
    });

    it('a model with too many parameters for a site (DISCLOSURE.TOO_MANY_PARAMETERS): sessions refused before any step', async () => {
      const mark = await tap.count();
      const error = await failureOf({ kind: 'glm', datasets: mtcarsSets, glm: { family: 'gaussian', outcome: 'mpg', covariates: ['wt', 'hp', 'qsec', 'drat'] } });
      expect(error.code).toBe('DISCLOSURE.TOO_MANY_PARAMETERS');
      expect(String(error.details?.nodeId)).toMatch(/^node-[abc]$/);
      expect((await tap.since(mark)).filter((s) => s.operation === 'glm.step')).toEqual([]);
    });

    it('a binary covariate with a rare level (DISCLOSURE.RARE_LEVEL): no step at any site', async () => {
      const mark = await tap.count();
      const error = await failureOf({ kind: 'glm', datasets: cohortSets, glm: { family: 'gaussian', outcome: 'sbp', covariates: ['age', 'flag'] } });
      expect(error.code).toBe('DISCLOSURE.RARE_LEVEL');
      expect(error.details).toMatchObject({ column: 'flag' });
      expect(String(error.details?.nodeId)).toMatch(/^node-[abc]$/);
      const seen = await tap.since(mark);
      expect(seen.filter((s) => s.operation === 'glm.step')).toEqual([]);
      expect(seen.filter((s) => s.operation === 'glm.open').length).toBeGreaterThan(0);
    });
  });

  describe('access: no committed grant in force, no site request', () => {
    it('refuses a researcher without a grant, and one whose grant does not cover the model kind or a subset column, before any site is asked', async () => {
      const mark = await tap.count();
      expect((await failureOf({ kind: 'table', datasets: cohortSets, table: { rows: { column: 'sex' } } }, outsider)).code).toBe('ACCESS.NOT_GRANTED');
      const narrow = await world.grant({ datasetId: cohortSets[0]!, owner: 'hospital-a', requester: outsider.userId, columns: ['age', 'sex'], statistics: ['count', 'table'] });
      expect(narrow).toBeTruthy();
      expect((await failureOf({ kind: 'correlation', datasets: [cohortSets[0]!], correlation: { columns: ['age', 'bmi'] } }, outsider)).code).toBe('ACCESS.OUT_OF_SCOPE');
      expect((await failureOf({ kind: 'table', datasets: [cohortSets[0]!], filter: { column: 'smoker', op: '=', value: 'yes' }, table: { rows: { column: 'sex' } } }, outsider)).code).toBe('ACCESS.OUT_OF_SCOPE');
      expect(await tap.since(mark)).toEqual([]);
    });

    it('after revocation, asks no site', async () => {
      await world.revoke(grants[2]!, 'hospital-c');
      const mark = await tap.count();
      expect((await failureOf({ kind: 'glm', datasets: cohortSets, glm: { family: 'gaussian', outcome: 'sbp', covariates: ['age'] } })).code).toBe('ACCESS.REVOKED');
      expect(await tap.since(mark)).toEqual([]);
    });
  });
});
