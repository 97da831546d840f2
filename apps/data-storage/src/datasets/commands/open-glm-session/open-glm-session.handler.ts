import { Inject, Injectable } from '@nestjs/common';
import type { StorageModel } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import type { ActorHeader } from '@phdmf/messaging';
import { checkGlmCounts, designCte, FAMILIES, glmCountsFromRow, glmCountsSql, glmNullFromRow, glmNullSql, modelColumns, parameterNames, parseGlmModel, quotedColumn, type DatasetSchema, type GlmModel, type GlmNullTerms, type SqlCondition } from '@phdmf/modelling';
import type { GlmSessions } from '../../application/glm-sessions';
import { ModelSite, type AdmittedDataset } from '../../application/model-site';
import { countSubset, parseSubset } from '../../application/subsets';
import { GLM_SESSIONS, STORAGE_LOGGER } from '../../storage.tokens';

/**
 * Opens a GLM model session at this site (issue 16), as asked on the node's model subject: the model
 * and the subset checked against the schema, the grant over every column they read (statistic `glm`),
 * the file re-hashed against the chain, the subset's rules and the GLM's (libs/modelling's
 * checkGlmCounts: nfilter.glm, rare levels) on this site's records — all once, here. The steps then
 * only run the IRLS query. Answers the design's parameters and n.
 */
@Injectable()
export class OpenGlmSessionHandler {
  constructor(
    private readonly site: ModelSite,
    @Inject(GLM_SESSIONS) private readonly sessions: GlmSessions,
    @Inject(STORAGE_LOGGER) private readonly log: Logger,
  ) {}

  async execute(head: StorageModel.ModelRequestHead, operation: StorageModel.GlmOpenOperation, actor: ActorHeader | undefined): Promise<StorageModel.Result<StorageModel.GlmOpenBody>> {
    const started = performance.now();
    const inTime = this.site.notLate('the model session was opened');
    const { dataset, named } = await this.site.dataset(head, actor);
    const model = parseGlmModel(operation.model, named);
    const subset = parseSubset(operation.filter, named);
    const admitted = await this.site.admit(dataset, named, head, 'glm.open', [...modelColumns(model), ...(subset?.columns ?? [])]);

    // A place first (MODEL.SESSIONS_FULL before any record is read); its id names the snapshot table.
    const id = this.sessions.reserve();
    let phases: Record<string, number> = {};
    const table = `glm_${id.replace(/-/g, '')}`;
    let opened: { counts: { rowCount: number; subsetCount?: number }; n: number; aicOffset: number; from: string; nullTerms: GlmNullTerms | undefined };
    try {
      opened = await this.site.gate.computeChecked(admitted, async () => {
        const t0 = performance.now();
        // A subset is counted and checked (nfilter.subset) before anything is read within it; without
        // one the records are counted from the snapshot, not by parsing the file a second time.
        const checkedSubset = subset === undefined ? undefined : await countSubset((q) => this.site.run(q), admitted.from, subset, this.site.threshold, this.site.settings.nodeId);
        // The session's records, once: the model's columns within the subset. Every step reads this
        // snapshot, which the re-hash running alongside verifies, instead of parsing the file again.
        const kept = await this.site.keep(table, snapshotSql(model, admitted, subset?.condition));
        const counts = checkedSubset ?? (await countSubset((q) => this.site.run(q), kept, undefined, this.site.threshold, this.site.settings.nodeId));
        const t1 = performance.now();
        const [row] = await this.site.run(glmCountsSql(model, named, kept));
        const design = glmCountsFromRow(model, row ?? []);
        checkGlmCounts(model, design, this.site.threshold, this.site.refusalDetails);
        const t2 = performance.now();
        // A model without an offset: the sums for its null deviance in closed form (libs/modelling's null-model.ts).
        const nullTerms = model.offset === undefined ? glmNullFromRow((await this.site.run(glmNullSql(model, named, kept)))[0] ?? []) : undefined;
        const aicOffset = await this.aicOffset(model, named, kept);
        phases = { snapshotMillis: t1 - t0, releaseChecksMillis: t2 - t1, nullTermsMillis: performance.now() - t2 };
        return { counts, n: design.n, aicOffset, from: kept, nullTerms };
      }, inTime);
    } catch (error) {
      // Refused (a rule, the hash, the engine): no session, no snapshot left behind.
      this.sessions.release();
      await this.site.drop(table).catch((dropError: unknown) => {
        this.log.error({ err: dropError, datasetId: head.datasetId }, "a refused model session's snapshot could not be dropped");
      });
      throw error;
    }
    const session = this.sessions.open(id, {
      analysisId: head.analysisId,
      datasetId: head.datasetId,
      requester: head.requester,
      dataset: { id: admitted.id, version: admitted.version, sha256: admitted.sha256 },
      grantRequestId: admitted.grant.requestId,
      model,
      schema: named,
      table,
      from: opened.from,
      parameters: parameterNames(model),
      n: opened.n,
      rowCount: opened.counts.rowCount,
      subsetCount: opened.counts.subsetCount,
      aicOffset: opened.aicOffset,
    });
    // The open's phases (the re-hash runs alongside them), for finding where a model's time goes.
    const millis = Object.fromEntries(Object.entries({ ...phases, openMillis: performance.now() - started }).map(([k, v]) => [k, Math.round(v)]));
    this.log.info({ datasetId: head.datasetId, analysisId: head.analysisId, requester: head.requester, sessionId: session.id, parameters: session.parameters.length, ...millis }, 'model session opened');
    const body: StorageModel.GlmOpenBody = {
      ...this.site.head('glm.open', head, session.dataset, session.grantRequestId, opened.counts),
      sessionId: session.id,
      parameters: session.parameters,
      n: session.n,
      idleSeconds: this.site.settings.modelSessions.idleSeconds,
      ...(opened.nullTerms === undefined ? {} : { nullTerms: { sumY: opened.nullTerms.sumY, own: opened.nullTerms.own } }),
    };
    return this.site.sign(body, started);
  }

  /**
   * Σ of the family's aicOffset over the design's records, with the family's own function (one
   * rule, libs/modelling's): over the distinct outcomes and their counts. Only Poisson's is not zero
   * (binomial's and gaussian's AIC come from the deviance), and a count outcome has few distinct values.
   */
  private async aicOffset(model: GlmModel, named: DatasetSchema, from: string): Promise<number> {
    if (model.family !== 'poisson') return 0;
    const design = designCte(model, named, from);
    const rows = await this.site.run({ sql: `${design.sql} SELECT y, COUNT(*) FROM d GROUP BY y`, params: design.params });
    const family = FAMILIES[model.family];
    return rows.reduce((sum, [y, n]) => sum + Number(n) * family.aicOffset(Number(y)), 0);
  }
}

/** The model's columns of the records within the subset (libs/modelling's SQL reads them by their schema names). */
function snapshotSql(model: GlmModel, admitted: AdmittedDataset, subset: SqlCondition | undefined): SqlCondition {
  const columns = modelColumns(model).map((c) => quotedColumn(admitted.named, c));
  return { sql: `SELECT ${columns.join(', ')} FROM ${admitted.from}${subset === undefined ? '' : ` WHERE ${subset.sql}`}`, params: subset?.params ?? [] };
}
