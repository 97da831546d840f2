import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { StorageModel } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { checkGlmCounts, designCte, FAMILIES, glmCountsFromRow, glmCountsSql, modelColumns, parameterNames, parseGlmModel, type GlmModel, type SqlCondition } from '@phdmf/modelling';
import type { GlmSessions } from '../../application/glm-sessions';
import { ModelSite, type AdmittedDataset } from '../../application/model-site';
import { countSubset, parseSubset } from '../../application/subsets';
import { GLM_SESSIONS, STORAGE_LOGGER } from '../../storage.tokens';
import { OpenGlmSessionCommand } from './open-glm-session.command';

/**
 * Opens a model session: the model and the subset checked against the schema, the grant over every
 * column they read (statistic `glm`), the file re-hashed against the chain, the subset's rules and
 * the GLM's (libs/modelling's checkGlmCounts: nfilter.glm, rare levels) on this site's records —
 * all once, here. The steps then only run the IRLS query. Answers the design's parameters and n.
 */
@CommandHandler(OpenGlmSessionCommand)
export class OpenGlmSessionHandler implements ICommandHandler<OpenGlmSessionCommand, StorageModel.Result<StorageModel.GlmOpenBody>> {
  constructor(
    private readonly site: ModelSite,
    @Inject(GLM_SESSIONS) private readonly sessions: GlmSessions,
    @Inject(STORAGE_LOGGER) private readonly log: Logger,
  ) {}

  async execute({ head, operation, actor }: OpenGlmSessionCommand): Promise<StorageModel.Result<StorageModel.GlmOpenBody>> {
    const started = performance.now();
    const { dataset, named } = await this.site.dataset(head, actor);
    const model = withNullModel(parseGlmModel(operation.model, named), operation.model);
    const subset = parseSubset(operation.filter, named);
    const admitted = await this.site.admit(dataset, named, head, 'glm.open', [...modelColumns(model), ...(subset?.columns ?? [])]);

    const opened = await this.site.gate.computeChecked(admitted, async () => {
      const counts = await countSubset((q) => this.site.run(q), admitted.from, subset, this.site.threshold, this.site.settings.nodeId);
      const [row] = await this.site.run(glmCountsSql(model, named, admitted.from, subset?.condition));
      const design = glmCountsFromRow(model, row ?? []);
      checkGlmCounts(model, design, this.site.threshold, this.site.refusalDetails);
      return { counts, n: design.n, aicOffset: await this.aicOffset(model, admitted, subset?.condition) };
    });
    const session = this.sessions.open({
      analysisId: head.analysisId,
      datasetId: head.datasetId,
      requester: head.requester,
      dataset: { id: admitted.id, version: admitted.version, sha256: admitted.sha256 },
      grantRequestId: admitted.grant.requestId,
      model,
      schema: named,
      from: admitted.from,
      subset: subset?.condition,
      parameters: parameterNames(model),
      n: opened.n,
      rowCount: opened.counts.rowCount,
      subsetCount: opened.counts.subsetCount,
      aicOffset: opened.aicOffset,
    });
    this.log.info({ datasetId: head.datasetId, analysisId: head.analysisId, requester: head.requester, sessionId: session.id, parameters: session.parameters.length }, 'model session opened');
    const body: StorageModel.GlmOpenBody = {
      ...this.site.head('glm.open', head, session.dataset, session.grantRequestId, opened.counts),
      sessionId: session.id,
      parameters: session.parameters,
      n: session.n,
      idleSeconds: this.site.settings.modelSessions.idleSeconds,
    };
    return this.site.sign(body, started);
  }

  /**
   * Σ of the family's aicOffset over the design's records, with the family's own function (one
   * rule, libs/modelling's): over the distinct outcomes and their counts. Only Poisson's is not zero
   * (binomial's and gaussian's AIC come from the deviance), and a count outcome has few distinct values.
   */
  private async aicOffset(model: GlmModel, admitted: AdmittedDataset, subset: SqlCondition | undefined): Promise<number> {
    if (model.family !== 'poisson') return 0;
    const design = designCte(model, admitted.named, admitted.from, subset);
    const rows = await this.site.run({ sql: `${design.sql} SELECT y, COUNT(*) FROM d GROUP BY y`, params: design.params });
    const family = FAMILIES[model.family];
    return rows.reduce((sum, [y, n]) => sum + Number(n) * family.aicOffset(Number(y)), 0);
  }
}

/**
 * parseGlmModel leaves out `interceptOnly` (the null model, R's null deviance): the coordinator
 * opens the null model as a session of its own, over the same records.
 */
function withNullModel(model: GlmModel, raw: Readonly<Record<string, unknown>>): GlmModel {
  return raw['interceptOnly'] === true ? { ...model, interceptOnly: true } : model;
}
