// Issue 16, the site's side: the model subject (`phdmf.storage.<nodeId>.qry.model.v1`) and the
// summary's subsets and strata, against a real node — real NATS, the real ledger service over the
// embedded ledger, the stored CSV read by DuckDB. Every answer is held equal to libs/modelling's own
// computation over the same records, and every disclosure rule is attacked and seen to refuse.
import { createHash } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  LedgerGetMember,
  StorageModel,
  StorageSummarize,
  verifyNodeSignature,
  type PhdmfError,
} from '@phdmf/contracts';
import {
  bandOf,
  countCrossTable,
  fitGlm,
  glmDesign,
  glmSiteStep,
  matchesFilter,
  pairMoments,
  pairsOf,
  parameterNames,
  suppressCrossTable,
  type Filter,
  type GlmModel,
  type GlmSite,
  type RecordValue,
} from '@phdmf/modelling';
import { healthRecords } from '@phdmf/modelling/testing';
import { gridEdges } from '@phdmf/statistics';
import { outgoingHeaders } from '@phdmf/messaging';
import { eventually } from '@phdmf/testing';
import { AUTHZ, LocalApi, World, type Member, type Site } from '../test-support/world';
import type { GlmSessions } from './datasets/application/glm-sessions';
import type { DatasetView } from './datasets/domain/dataset-view';
import type { SummaryEngine } from './datasets/infrastructure/engine/summary-engine';
import { GLM_SESSIONS, SUMMARY_ENGINE } from './datasets/storage.tokens';

type Row = Record<string, RecordValue>;

/**
 * The site's records: libs/modelling's seeded health records, plus `rare01` (1 in two records: a
 * binary covariate with a rare level), `scarce` (present in two records only) and `grp` (levels A
 * and B, and Z in two records: a stratum level below the threshold).
 */
function siteRecords(n: number): Row[] {
  return healthRecords(16, n).map((r, i) => ({ ...r, rare01: i < 2 ? 1 : 0, scarce: i < 2 ? 10 + i : null, grp: i < 2 ? 'Z' : i % 2 ? 'A' : 'B' }));
}

const COLUMNS = ['age', 'sex', 'smoker', 'bmi', 'sbp', 'diabetes', 'visits', 'years', 'logyears', 'rare01', 'scarce', 'grp'];

function csvOf(rows: readonly Row[]): string {
  const cell = (v: RecordValue | undefined) => (v === null || v === undefined ? '' : String(v));
  return `${[COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}

const close = (actual: number | undefined, expected: number, relative = 1e-9) => {
  expect(Math.abs((actual ?? NaN) - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
};

describe('the site side of federated modelling (issue 16)', () => {
  const requester = 'researcher-m16';
  const THRESHOLD = 3;
  let world: World;
  let member: Member;
  let site: Site;
  let records: Row[];
  let datasetId: string;
  let grantId: string;
  let publicKey: string;

  beforeAll(async () => {
    world = await World.start();
    member = await world.admit('hospital-m', 'node-m');
    site = await world.startSite(member, { MODEL_SESSIONS_MAX: '4' });
    const staff = new LocalApi(site, await world.token({ userId: 'maria-m01', organisationId: 'hospital-m', roles: ['member'] }));
    records = siteRecords(400);
    const res = await staff.upload(csvOf(records), 'name=health&fileName=health.csv&grid=age:20:80:10');
    expect(res.status).toBe(201);
    datasetId = (res.json as DatasetView).datasetId;
    grantId = await world.grant({ datasetId, owner: 'hospital-m', requester, columns: COLUMNS, statistics: ['count', 'mean', 'table', 'correlation', 'glm'] });
    publicKey = (await world.bus.request(LedgerGetMember.CONTRACT, { memberId: 'hospital-m' })).nodePublicKey ?? '';
  }, 180_000);

  afterAll(async () => {
    await world.dispose();
  });

  let analyses = 0;
  const analysisId = () => `an-m16-${++analyses}`;
  const ask = <K extends StorageModel.ModelOperationKind>(operation: Record<string, unknown> & { kind: K }, head: Partial<StorageModel.ModelRequestHead> = {}, to = 'node-m') =>
    // Sent as the JSON the wire carries (the site's edge validates it into the operation's class).
    world.bus.request(StorageModel.contractFor(to), { analysisId: head.analysisId ?? analysisId(), datasetId, requester, ...head, operation } as unknown as StorageModel.Payload, { actor: AUTHZ }) as Promise<
      StorageModel.Result<StorageModel.ModelBodies[K]>
    >;
  const refusal = (p: Promise<unknown>) => p.then(
    () => ({ code: 'answered' }) as PhdmfError,
    (e: unknown) => e as PhdmfError,
  );
  const sessions = () => site.app.get<GlmSessions>(GLM_SESSIONS);
  /** The sessions' snapshot tables in the site's DuckDB: one per open session, none left by a refusal or an ended session. */
  const snapshots = async (of = site) => Number((await of.app.get<SummaryEngine>(SUMMARY_ENGINE).query("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'glm_%'"))[0]?.[0]);
  const inSubset = (filter: Filter | undefined) => records.filter((r) => filter === undefined || matchesFilter(filter, r));

  describe('contingency tables', () => {
    it('a two-way table within a subset is libs/modelling\'s count of the same records, suppressed the same way, and signed', async () => {
      const filter: Filter = { column: 'age', op: '>', value: 40 };
      const { body, signature } = await ask({ kind: 'table', rows: { column: 'sex' }, columns: { column: 'smoker' }, filter });
      const chosen = inSubset(filter);
      const expected = suppressCrossTable(countCrossTable(chosen.map((r) => [r['sex'] as string | null, r['smoker'] as string | null])), THRESHOLD);
      expect(body.table).toEqual(expected);
      // The file it read is the one on-chain: the answer names its hash and version.
      const sha256 = createHash('sha256').update(csvOf(records)).digest('hex');
      expect(body).toMatchObject({ operation: 'table', nodeId: 'node-m', datasetId, datasetVersion: 1, sha256, requester, grantRequestId: grantId, rowCount: 400, subsetCount: chosen.length });
      expect(verifyNodeSignature(body, signature, publicKey)).toBe(true);
      expect(verifyNodeSignature({ ...body, table: { ...body.table, rowTotals: [1] } }, signature, publicKey)).toBe(false);
    });

    it('a one-way table of a numeric column is cut on its on-chain grid, as bandOf cuts the records', async () => {
      const { body } = await ask({ kind: 'table', rows: { column: 'age' } });
      const edges = gridEdges({ lower: 20, upper: 80, binWidth: 10 });
      const expected = suppressCrossTable(countCrossTable(records.map((r) => [bandOf(r['age'] as number | null, edges), ''])), THRESHOLD);
      expect(body.table).toEqual(expected);
      expect(body.subsetCount).toBeUndefined();
    });

    it('blanks a small cell and enough others in its lines that no blank can be recovered by subtraction', async () => {
      const { body } = await ask({ kind: 'table', rows: { column: 'grp' }, columns: { column: 'sex' } });
      const zRow = body.table.rows.indexOf('Z');
      expect(body.table.counts[zRow]?.every((n) => n === null || n === 0)).toBe(true);
      expect(body.table.rowTotals[zRow]).toBeNull();
    });
  });

  describe('correlation', () => {
    it('pairwise moments within a subset equal libs/modelling\'s pairMoments over the same records', async () => {
      const filter: Filter = { column: 'sex', op: '=', value: 'F' };
      const columns = ['age', 'bmi', 'sbp'];
      const { body, signature } = await ask({ kind: 'correlation', columns, filter });
      const chosen = inSubset(filter);
      expect(body.columns).toEqual(columns);
      pairsOf(columns.length).forEach(([i, j], p) => {
        const expected = pairMoments(
          chosen.map((r) => r[columns[i] ?? ''] as number | null),
          chosen.map((r) => r[columns[j] ?? ''] as number | null),
        );
        const got = body.pairs[p];
        expect(got?.n).toBe(expected.n);
        for (const k of ['meanX', 'meanY', 'sxx', 'syy', 'sxy'] as const) close(got?.[k], expected[k]);
      });
      expect(body.subsetCount).toBe(chosen.length);
      expect(verifyNodeSignature(body, signature, publicKey)).toBe(true);
    });

    it('refuses a pair over fewer records than the threshold (DISCLOSURE.SUBSET_TOO_SMALL, rule "pair count", naming the site)', async () => {
      const refused = await refusal(ask({ kind: 'correlation', columns: ['age', 'scarce'] }));
      expect(refused.code).toBe('DISCLOSURE.SUBSET_TOO_SMALL');
      expect(refused.details).toMatchObject({ site: 'node-m', rule: 'pair count' });
    });

    it('refuses a column that is not numeric (MODEL.TYPE_MISMATCH) or not in the dataset (MODEL.UNKNOWN_COLUMN)', async () => {
      expect((await refusal(ask({ kind: 'correlation', columns: ['age', 'sex'] }))).code).toBe('MODEL.TYPE_MISMATCH');
      expect((await refusal(ask({ kind: 'correlation', columns: ['age', 'weight'] }))).code).toBe('MODEL.UNKNOWN_COLUMN');
    });
  });

  describe('GLM sessions', () => {
    const binomial: GlmModel = { family: 'binomial', outcome: 'diabetes', covariates: ['age', 'bmi', 'sex'], levels: { sex: ['F', 'M'] } };
    const poisson: GlmModel = { family: 'poisson', outcome: 'visits', covariates: ['age', 'smoker'], levels: { smoker: ['never', 'former', 'current'] }, offset: 'logyears' };

    it('each step is libs/modelling\'s glmSiteStep over the same records, at the β it was asked for, signed with β', async () => {
      for (const [model, filter] of [
        [binomial, { column: 'age', op: '>=', value: 30 }],
        [poisson, undefined],
      ] as const) {
        const head = { analysisId: analysisId() };
        const opened = await ask({ kind: 'glm.open', model: { ...model }, ...(filter === undefined ? {} : { filter }) }, head);
        const design = glmDesign(model, inSubset(filter));
        expect(opened.body).toMatchObject({ operation: 'glm.open', parameters: parameterNames(model), n: design.n, idleSeconds: 300 });
        expect(verifyNodeSignature(opened.body, opened.signature, publicKey)).toBe(true);
        const sessionId = opened.body.sessionId;
        const p = design.p;
        for (const beta of [null, Array.from({ length: p }, (_, j) => 0.01 * (j + 1) * (j % 2 ? -1 : 1))]) {
          const { body, signature } = await ask({ kind: 'glm.step', sessionId, ...(beta === null ? {} : { beta }) }, head);
          const expected = glmSiteStep(model, design, beta);
          expect(body.n).toBe(expected.n);
          close(body.deviance, expected.deviance);
          close(body.aicTerms, expected.aicTerms);
          body.xtwz.forEach((v, i) => {
            close(v, expected.xtwz[i] ?? NaN);
          });
          body.xtwx.forEach((v, i) => {
            close(v, expected.xtwx[i] ?? NaN);
          });
          expect(body.beta).toEqual(beta ?? undefined);
          expect(verifyNodeSignature(body, signature, publicKey)).toBe(true);
          expect(verifyNodeSignature({ ...body, beta: [0] }, signature, publicKey)).toBe(false);
        }
        const closed = await ask({ kind: 'glm.close', sessionId }, head);
        expect(closed.body).toMatchObject({ operation: 'glm.close', sessionId, steps: 2 });
        expect((await refusal(ask({ kind: 'glm.step', sessionId }, head))).code).toBe('MODEL.SESSION_UNKNOWN');
      }
    });

    it('a whole fit over NATS (model and null model sessions) equals libs/modelling\'s fit over the same records to 1e-8', async () => {
      const head = { analysisId: analysisId() };
      const open = new Map<boolean, string>();
      const overNats: GlmSite = async (model, beta) => {
        const nullModel = model.interceptOnly === true;
        let sessionId = open.get(nullModel);
        if (sessionId === undefined) {
          sessionId = (await ask({ kind: 'glm.open', model: { ...model } }, head)).body.sessionId;
          open.set(nullModel, sessionId);
        }
        const { body } = await ask({ kind: 'glm.step', sessionId, ...(beta === null ? {} : { beta: [...beta] }) }, head);
        return { n: body.n, xtwx: body.xtwx, xtwz: body.xtwz, deviance: body.deviance, aicTerms: body.aicTerms };
      };
      const local: GlmSite = (model, beta) => Promise.resolve(glmSiteStep(model, glmDesign(model, records), beta));
      const [remote, reference] = [await fitGlm(poisson, [overNats]), await fitGlm(poisson, [local])];
      expect(remote.iterations).toBe(reference.iterations);
      remote.coefficients.forEach((c, j) => {
        close(c.estimate, reference.coefficients[j]?.estimate ?? NaN, 1e-8);
        close(c.standardError, reference.coefficients[j]?.standardError ?? NaN, 1e-8);
      });
      close(remote.deviance, reference.deviance, 1e-8);
      close(remote.nullDeviance, reference.nullDeviance, 1e-8);
      close(remote.aic, reference.aic, 1e-8);
      for (const sessionId of open.values()) await ask({ kind: 'glm.close', sessionId }, head);
    });

    it('refuses a step for a session it does not hold, another analysis\'s or requester\'s, and a β of the wrong length', async () => {
      const unknown = '6f1c9a52-3d2b-4c8e-9f4a-1b2c3d4e5f60';
      expect((await refusal(ask({ kind: 'glm.step', sessionId: unknown }))).code).toBe('MODEL.SESSION_UNKNOWN');
      expect((await refusal(ask({ kind: 'glm.close', sessionId: unknown }))).code).toBe('MODEL.SESSION_UNKNOWN');
      const head = { analysisId: analysisId() };
      const { sessionId } = (await ask({ kind: 'glm.open', model: { ...binomial } }, head)).body;
      expect((await refusal(ask({ kind: 'glm.step', sessionId }, { analysisId: 'an-other' }))).code).toBe('MODEL.SESSION_UNKNOWN');
      expect((await refusal(ask({ kind: 'glm.step', sessionId }, { ...head, requester: 'researcher-other' }))).code).toBe('MODEL.SESSION_UNKNOWN');
      expect((await refusal(ask({ kind: 'glm.step', sessionId, beta: [1, 2] }, head))).code).toBe('MODEL.REQUEST_INVALID');
      await ask({ kind: 'glm.close', sessionId }, head);
    });

    it('bounds its open sessions (MODEL.SESSIONS_FULL) and drops idle ones (then MODEL.SESSION_UNKNOWN)', async () => {
      const head = { analysisId: analysisId() };
      const ids: string[] = [];
      while (sessions().size < 4) ids.push((await ask({ kind: 'glm.open', model: { ...binomial } }, head)).body.sessionId);
      expect((await refusal(ask({ kind: 'glm.open', model: { ...binomial } }, head))).code).toBe('MODEL.SESSIONS_FULL');
      for (const sessionId of ids) await ask({ kind: 'glm.close', sessionId }, head);

      const brief = await world.startSite(await world.admit('hospital-q', 'node-q'), { MODEL_SESSION_IDLE_SECONDS: '1' });
      const staff = new LocalApi(brief, await world.token({ userId: 'quinn-q01', organisationId: 'hospital-q', roles: ['member'] }));
      const view = (await staff.upload(csvOf(records.slice(0, 100)), 'name=q&fileName=q.csv')).json as DatasetView;
      await world.grant({ datasetId: view.datasetId, owner: 'hospital-q', requester, columns: COLUMNS, statistics: ['glm'] });
      const at = { analysisId: analysisId(), datasetId: view.datasetId };
      const { sessionId } = (await ask({ kind: 'glm.open', model: { ...binomial } }, at, 'node-q')).body;
      await ask({ kind: 'glm.step', sessionId }, at, 'node-q');
      expect(await snapshots(brief)).toBe(1);
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await refusal(ask({ kind: 'glm.step', sessionId }, at, 'node-q'))).code).toBe('MODEL.SESSION_UNKNOWN');
      // The ended session's snapshot is gone (dropped in the background).
      await eventually(async () => (await snapshots(brief)) === 0, "the idle session's snapshot dropped");
    });

    it('does nothing for a caller whose deadline has passed (MESSAGING.DEADLINE_EXCEEDED), a step included', async () => {
      const head = { analysisId: analysisId() };
      const { sessionId } = (await ask({ kind: 'glm.open', model: { ...binomial } }, head)).body;
      // As a request reaches the site after its caller's deadline (a slow network, a caller's clock ahead).
      const late = async (operation: object) => {
        const payload = { ...head, datasetId, requester, operation };
        const reply = await world.nc.request(StorageModel.contractFor('node-m').subject, new TextEncoder().encode(JSON.stringify(payload)), { timeout: 10_000, headers: outgoingHeaders(AUTHZ, Date.now() - 1) });
        return JSON.parse(new TextDecoder().decode(reply.data)) as unknown;
      };
      expect(await late({ kind: 'table', rows: { column: 'sex' } })).toMatchObject({ ok: false, error: { code: 'MESSAGING.DEADLINE_EXCEEDED', message: expect.stringContaining('the table was computed') } });
      expect(await late({ kind: 'glm.step', sessionId })).toMatchObject({ ok: false, error: { code: 'MESSAGING.DEADLINE_EXCEEDED', message: expect.stringContaining('the step was computed') } });
      const { body } = await ask({ kind: 'glm.close', sessionId }, head);
      expect(body.steps).toBe(0);
    });

    it('a session answers under the grant checked when it opened: after revocation its steps go on, a new session is refused', async () => {
      const other = 'researcher-m16-revoked';
      const requestId = await world.grant({ datasetId, owner: 'hospital-m', requester: other, columns: COLUMNS, statistics: ['glm'] });
      const head = { analysisId: analysisId(), requester: other };
      const { sessionId } = (await ask({ kind: 'glm.open', model: { ...binomial } }, head)).body;
      await world.revoke(requestId, 'hospital-m');
      const step = await ask({ kind: 'glm.step', sessionId }, head);
      expect(step.body.grantRequestId).toBe(requestId);
      expect((await refusal(ask({ kind: 'glm.open', model: { ...binomial } }, head))).code).toBe('ACCESS.REVOKED');
      await ask({ kind: 'glm.close', sessionId }, head);
    });
  });

  describe('disclosure attacks are refused, naming the rule and the site, and release nothing', () => {
    /** The oldest k records, or a few more where ages tie: `age > cut`, the cut between two distinct ages. */
    const oldest = (k: number): Filter => {
      const ages = records.map((r) => r['age'] as number).sort((a, b) => b - a);
      let n = k;
      while ((ages[n - 1] ?? 0) === (ages[n] ?? 0)) n++;
      return { column: 'age', op: '>', value: ((ages[n - 1] ?? 0) + (ages[n] ?? 0)) / 2 };
    };
    // The oldest one or two: a subset that isolates them, and its complement.
    const few = () => oldest(1);

    it('a subset of fewer records than the threshold (DISCLOSURE.SUBSET_TOO_SMALL), for every operation', async () => {
      expect(inSubset(few()).length).toBeGreaterThan(0);
      expect(inSubset(few()).length).toBeLessThan(THRESHOLD);
      const before = sessions().size;
      for (const operation of [
        { kind: 'table' as const, rows: { column: 'sex' }, filter: few() },
        { kind: 'correlation' as const, columns: ['age', 'bmi'], filter: few() },
        { kind: 'glm.open' as const, model: { family: 'gaussian', outcome: 'sbp', covariates: ['age'] }, filter: few() },
      ]) {
        const refused = await refusal(ask(operation));
        expect([operation.kind, refused.code]).toEqual([operation.kind, 'DISCLOSURE.SUBSET_TOO_SMALL']);
        expect(refused.details).toEqual({ site: 'node-m', rule: 'nfilter.subset', threshold: THRESHOLD });
      }
      expect(sessions().size).toBe(before);
      expect(await snapshots()).toBe(sessions().size);
    });

    it('the complement trick: everyone but those few (DISCLOSURE.COMPLEMENT_TOO_SMALL)', async () => {
      const trick: Filter = { not: few() };
      expect(inSubset(trick).length).toBe(400 - inSubset(few()).length);
      const refused = await refusal(ask({ kind: 'correlation', columns: ['age', 'sbp'], filter: trick }));
      expect(refused.code).toBe('DISCLOSURE.COMPLEMENT_TOO_SMALL');
      expect(refused.details).toEqual({ site: 'node-m', rule: 'nfilter.subset', threshold: THRESHOLD });
      // The same through a summary: refused before any number is computed.
      const summary = await refusal(
        world.bus.request(StorageSummarize.contractFor('node-m'), { analysisId: analysisId(), datasetId, requester, columns: ['sbp'], statistics: ['count', 'mean'], filter: trick }, { actor: AUTHZ }),
      );
      expect(summary.code).toBe('DISCLOSURE.COMPLEMENT_TOO_SMALL');
    });

    it('a model with too many parameters for the site\'s records (DISCLOSURE.TOO_MANY_PARAMETERS, nfilter.glm)', async () => {
      // Twelve records or so (the threshold and the complement are met) for five parameters: 5 > 0.33 × n.
      const twelve = oldest(12);
      expect(5 > 0.33 * inSubset(twelve).length).toBe(true);
      const before = sessions().size;
      const refused = await refusal(ask({ kind: 'glm.open', model: { family: 'gaussian', outcome: 'sbp', covariates: ['age', 'bmi', 'smoker'], levels: { smoker: ['never', 'former', 'current'] } }, filter: twelve }));
      expect(refused.code).toBe('DISCLOSURE.TOO_MANY_PARAMETERS');
      expect(refused.details).toMatchObject({ site: 'node-m', rule: 'nfilter.glm', parameters: 5 });
      expect(sessions().size).toBe(before);
      expect(await snapshots()).toBe(sessions().size);
    });

    it('a binary covariate with a rare level (DISCLOSURE.RARE_LEVEL), naming the column, not the level', async () => {
      const refused = await refusal(ask({ kind: 'glm.open', model: { family: 'gaussian', outcome: 'sbp', covariates: ['age', 'rare01'] } }));
      expect(refused.code).toBe('DISCLOSURE.RARE_LEVEL');
      expect(refused.details).toEqual({ site: 'node-m', rule: 'rare level', column: 'rare01', threshold: THRESHOLD });
    });
  });

  describe('the grant', () => {
    it('covers the operation and every column it reads, the subset\'s included', async () => {
      const narrow = 'researcher-m16-narrow';
      await world.grant({ datasetId, owner: 'hospital-m', requester: narrow, columns: ['age', 'bmi'], statistics: ['correlation'] });
      const as = { requester: narrow };
      expect((await ask({ kind: 'correlation', columns: ['age', 'bmi'] }, as)).body.pairs).toHaveLength(3);
      expect((await refusal(ask({ kind: 'correlation', columns: ['age', 'bmi'], filter: { column: 'sex', op: '=', value: 'F' } }, as))).code).toBe('ACCESS.OUT_OF_SCOPE');
      expect((await refusal(ask({ kind: 'table', rows: { column: 'age' } }, as))).code).toBe('ACCESS.OUT_OF_SCOPE');
      expect((await refusal(ask({ kind: 'correlation', columns: ['age', 'bmi'] }, { requester: 'researcher-nobody' }))).code).toBe('ACCESS.NOT_GRANTED');
    });

    it('refuses every model operation, and a summary\'s subset, under a dp grant (MODEL.DP_UNSUPPORTED): they release exact numbers', async () => {
      const dp = 'researcher-m16-dp';
      await world.grant({ datasetId, owner: 'hospital-m', requester: dp, columns: COLUMNS, statistics: ['count', 'table', 'correlation', 'glm'], privacy: { privacyMode: 'dp', budgetRho: 1 } });
      const as = { requester: dp };
      const before = sessions().size;
      for (const operation of [
        { kind: 'table' as const, rows: { column: 'sex' } },
        { kind: 'correlation' as const, columns: ['age', 'bmi'] },
        { kind: 'glm.open' as const, model: { family: 'gaussian', outcome: 'sbp', covariates: ['age'] } },
      ]) {
        expect([operation.kind, (await refusal(ask(operation, as))).code]).toEqual([operation.kind, 'MODEL.DP_UNSUPPORTED']);
      }
      expect(sessions().size).toBe(before);
      const summary = await refusal(
        world.bus.request(StorageSummarize.contractFor('node-m'), { analysisId: analysisId(), datasetId, requester: dp, columns: ['sbp'], statistics: ['count'], filter: { column: 'sex', op: '=', value: 'F' } }, { actor: AUTHZ }),
      );
      expect(summary.code).toBe('MODEL.DP_UNSUPPORTED');
    });
  });

  describe('summaries with a subset and a stratum', () => {
    it('releases each level that passes the rules, over exactly its records, and leaves the others out unnamed', async () => {
      const filter: Filter = { column: 'smoker', op: '!=', value: 'current' };
      const result = await world.bus.request(
        StorageSummarize.contractFor('node-m'),
        { analysisId: analysisId(), datasetId, requester, columns: ['sbp'], statistics: ['count', 'mean'], filter, stratum: { column: 'grp' } },
        { actor: AUTHZ },
      );
      const chosen = inSubset(filter);
      expect(result.body.subsetCount).toBe(chosen.length);
      expect(result.body.columns[0]?.count).toBe(chosen.length);
      // Z (two records) is not released, not even named.
      expect(result.body.strata?.levels.map((l) => l.level)).toEqual(['A', 'B']);
      for (const level of result.body.strata?.levels ?? []) {
        const sbp = chosen.filter((r) => r['grp'] === level.level).map((r) => r['sbp'] as number);
        expect(level.rowCount).toBe(sbp.length);
        expect(level.columns[0]?.count).toBe(sbp.length);
        close(level.columns[0]?.mean, sbp.reduce((a, b) => a + b, 0) / sbp.length);
      }
      expect(JSON.stringify(result.body)).not.toContain('"Z"');
      expect(verifyNodeSignature(result.body, result.signature, publicKey)).toBe(true);
    });

    it('a summary\'s subset is refused under the same rules, and needs the grant over its columns', async () => {
      const tiny: Filter = { column: 'grp', op: '=', value: 'Z' };
      const summarize = (p: Partial<StorageSummarize.Payload>) =>
        refusal(world.bus.request(StorageSummarize.contractFor('node-m'), { analysisId: analysisId(), datasetId, requester, columns: ['sbp'], statistics: ['count'], ...p }, { actor: AUTHZ }));
      expect((await summarize({ filter: tiny })).code).toBe('DISCLOSURE.SUBSET_TOO_SMALL');
      expect((await summarize({ filter: { column: 'weight', op: '=', value: 1 } })).code).toBe('MODEL.UNKNOWN_COLUMN');
      expect((await summarize({ stratum: { column: 'weight' } })).code).toBe('MODEL.UNKNOWN_COLUMN');
      const narrow = 'researcher-m16-sbp';
      await world.grant({ datasetId, owner: 'hospital-m', requester: narrow, columns: ['sbp'], statistics: ['count'] });
      expect((await summarize({ requester: narrow })).code).toBe('answered');
      expect((await summarize({ requester: narrow, stratum: { column: 'sex' } })).code).toBe('ACCESS.OUT_OF_SCOPE');
    });
  });

  it('re-hashes the file when a model session opens; its steps read the snapshot verified then, a changed file opens no new one', async () => {
    const staff = new LocalApi(site, await world.token({ userId: 'maria-m01', organisationId: 'hospital-m', roles: ['member'] }));
    const rows = records.slice(0, 120);
    const csv = csvOf(rows);
    const view = (await staff.upload(csv, 'name=changed&fileName=changed.csv')).json as DatasetView;
    await world.grant({ datasetId: view.datasetId, owner: 'hospital-m', requester, columns: COLUMNS, statistics: ['glm', 'table'] });
    const at = { analysisId: analysisId(), datasetId: view.datasetId };
    const model: GlmModel = { family: 'gaussian', outcome: 'sbp', covariates: ['age'], levels: {} };
    const { sessionId } = (await ask({ kind: 'glm.open', model: { ...model } }, at)).body;
    const sha256 = createHash('sha256').update(csv).digest('hex');
    const file = path.join(site.config.storageDir, 'objects', sha256.slice(0, 2), sha256);
    chmodSync(file, 0o600);
    writeFileSync(file, csvOf(rows.map((r) => ({ ...r, sbp: 0 }))));
    // The open session answers from what it verified: the records as they were.
    const step = await ask({ kind: 'glm.step', sessionId }, at);
    close(step.body.deviance, glmSiteStep(model, glmDesign(model, rows), null).deviance);
    await ask({ kind: 'glm.close', sessionId }, at);
    const before = sessions().size;
    expect((await refusal(ask({ kind: 'glm.open', model: { ...model } }, at))).code).toBe('DATASET.TAMPERED');
    expect(sessions().size).toBe(before);
    expect(await snapshots()).toBe(sessions().size);
    expect((await refusal(ask({ kind: 'table', rows: { column: 'sex' } }, at))).code).toBe('DATASET.TAMPERED');
  });
});
