import { Injectable } from '@nestjs/common';
import type { ActingUser, AggregationRunModel, ModelAnalysisResult, StorageModel } from '@phdmf/contracts';
import { fitGlm, parameterNames, type GlmModel, type GlmNullTerms, type GlmSite } from '@phdmf/modelling';
import type { ClearedDataset } from '../../application/access-gate';
import { ModelAnalyses, type ModelRun } from '../../application/model-analyses';
import { checkGlmOpenAnswer, checkGlmStepAnswer } from '../../domain/site-model-check';

/** A model session open at one site. */
interface Session {
  dataset: ClearedDataset;
  sessionId: string;
  /** Its n and null terms, for a model without an offset. */
  nullTerms: GlmNullTerms | undefined;
}

/** Where a site's part of the fit went, in milliseconds: round trips as seen here, `compute` as the site signed it. */
interface SiteTimes {
  openRoundTrip: number;
  openCompute: number;
  steps: number;
  stepRoundTrips: number;
  stepCompute: number;
}

/**
 * A generalized linear model fitted by IRLS across the sites, as DataSHIELD's ds.glm: libs/modelling's
 * fitGlm drives the iterations, sending each round's β to every site in parallel and pooling their
 * signed XᵀWX, XᵀWz and deviances. Every site's session is opened first, so each site's grant check,
 * re-hash and disclosure checks pass before any site computes a single step: a refusal anywhere stops
 * the model with no matrix released by any site. One session per site serves the null model too (for
 * the null deviance, as R's glm.fit with an offset): its IRLS is the full design's at β with every
 * covariate's coefficient 0, of which it takes the intercept's entries — W and z depend on β only
 * through η, which is then the intercept (and offset) alone — only with an offset: without one, the null
deviance is R's closed form from the null terms every site answered at open (libs/modelling's
null-model.ts), and no null-model step is asked. Sessions are closed however the fit ends. Where the
time went (per site: open and steps, round trip and the site's own compute; the record) is logged.
 */
@Injectable()
export class RunGlmHandler {
  constructor(private readonly models: ModelAnalyses) {}

  async execute(p: AggregationRunModel.Payload, actor: ActingUser | undefined): Promise<ModelAnalysisResult> {
    const asked = performance.now();
    const run = await this.models.prepare(p, actor);
    const model = run.request.glm;
    if (model === undefined) throw new Error('a checked glm request has its model');
    const size = parameterNames(model).length;
    const started = performance.now();
    const times = new Map(run.cleared.map((d) => [d.datasetId, { openRoundTrip: 0, openCompute: 0, steps: 0, stepRoundTrips: 0, stepCompute: 0 } satisfies SiteTimes]));
    const opened = await Promise.allSettled(run.cleared.map((dataset) => this.open(run, dataset, model, times.get(dataset.datasetId))));
    const sessions = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    try {
      const refused = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (refused) throw refused.reason;
      const sites: GlmSite[] = sessions.map((session) => async (m, beta) => {
        const siteTimes = times.get(session.dataset.datasetId);
        if (m.interceptOnly !== true) return this.step(run, session, beta, size, siteTimes);
        const full = await this.step(run, session, beta === null ? null : [beta[0] ?? 0, ...Array.from({ length: size - 1 }, () => 0)], size, siteTimes);
        return { ...full, xtwx: [full.xtwx[0] ?? NaN], xtwz: [full.xtwz[0] ?? NaN] };
      });
      const nullTerms = sessions.flatMap((s) => (s.nullTerms === undefined ? [] : [s.nullTerms]));
      const fit = await fitGlm(model, sites, nullTerms.length === sessions.length ? { nullTerms } : {});
      const fitted = performance.now();
      const result = await this.models.finish(run, { glm: fit, iterations: fit.iterations });
      const round = (v: number) => Math.round(v);
      run.log.info(
        {
          iterations: fit.iterations,
          prepareMillis: round(started - asked),
          fitMillis: round(fitted - started),
          recordMillis: round(performance.now() - fitted),
          sites: Object.fromEntries([...times].map(([id, t]) => [id, Object.fromEntries(Object.entries(t).map(([k, v]) => [k, round(v)]))])),
        },
        'glm timings',
      );
      return result;
    } finally {
      await Promise.allSettled(sessions.map((s) => this.close(run, s)));
    }
  }

  private async open(run: ModelRun, dataset: ClearedDataset, model: GlmModel, times: SiteTimes | undefined): Promise<Session> {
    const operation = { kind: 'glm.open', model: { ...model }, ...(run.request.view.filter ? { filter: run.request.view.filter } : {}) } as StorageModel.GlmOpenOperation;
    const withNullTerms = model.offset === undefined;
    const t0 = performance.now();
    const body = await this.models.ask(run, dataset, operation, (a, e) => checkGlmOpenAnswer(a, e, parameterNames(model), withNullTerms));
    if (times) {
      times.openRoundTrip = performance.now() - t0;
      times.openCompute = body.computeMillis;
    }
    return { dataset, sessionId: body.sessionId, nullTerms: body.nullTerms === undefined ? undefined : { n: body.n, ...body.nullTerms } };
  }

  private async step(run: ModelRun, session: Session, beta: readonly number[] | null, p: number, times: SiteTimes | undefined) {
    const operation = { kind: 'glm.step', sessionId: session.sessionId, ...(beta === null ? {} : { beta: [...beta] }) } as StorageModel.GlmStepOperation;
    const t0 = performance.now();
    const body = await this.models.ask(run, session.dataset, operation, (a, e) => checkGlmStepAnswer(a, e, session.sessionId, beta, p));
    if (times) {
      times.steps += 1;
      times.stepRoundTrips += performance.now() - t0;
      times.stepCompute += body.computeMillis;
    }
    return { n: body.n, xtwx: body.xtwx, xtwz: body.xtwz, deviance: body.deviance, aicTerms: body.aicTerms };
  }

  private async close(run: ModelRun, session: Session): Promise<void> {
    const operation = { kind: 'glm.close', sessionId: session.sessionId } as StorageModel.GlmCloseOperation;
    await this.models.ask(run, session.dataset, operation, (a) => ({ ok: true, body: a }));
  }
}
