import { Inject, Injectable } from '@nestjs/common';
import { ModellingErrorCode, PhdmfError, type StorageModel } from '@phdmf/contracts';
import type { ActorHeader } from '@phdmf/messaging';
import { glmStepFromRow, glmStepSql } from '@phdmf/modelling';
import { checkRequester } from '../../application/dataset-gate';
import type { GlmSessions } from '../../application/glm-sessions';
import { ModelSite } from '../../application/model-site';
import { GLM_SESSIONS } from '../../storage.tokens';

/**
 * One IRLS iteration of an open model session (issue 16): Σ XᵀWX, Σ XᵀWz, the deviance and AIC terms at β over the
 * session's records (its snapshot, taken and verified at open), as one DuckDB query (libs/modelling's
 * glmStepSql), signed with β echoed. No grant check, re-hash or release check here: the session did
 * them when it opened (issue 16: once per model per site). MODEL.SESSION_UNKNOWN for a session this
 * site does not hold.
 */
@Injectable()
export class StepGlmSessionHandler {
  constructor(
    private readonly site: ModelSite,
    @Inject(GLM_SESSIONS) private readonly sessions: GlmSessions,
  ) {}

  async execute(head: StorageModel.ModelRequestHead, operation: StorageModel.GlmStepOperation, actor: ActorHeader | undefined): Promise<StorageModel.Result<StorageModel.GlmStepBody>> {
    const started = performance.now();
    const inTime = this.site.notLate('the step was computed');
    checkRequester(head.requester, actor);
    const session = this.sessions.use(operation.sessionId, head);
    const p = session.parameters.length;
    const beta = operation.beta ?? null;
    if (beta !== null && beta.length !== p) {
      throw new PhdmfError(ModellingErrorCode.REQUEST_INVALID, `the model has ${p} parameters, β has ${beta.length}`, { path: '$.beta', parameters: p });
    }
    const [row] = await this.site.gate.queued(() => {
      inTime();
      return this.site.run(glmStepSql(session.model, session.schema, session.from, beta));
    });
    const step = glmStepFromRow(p, row ?? []);
    session.steps += 1;
    const body: StorageModel.GlmStepBody = {
      ...this.site.head('glm.step', head, session.dataset, session.grantRequestId, session),
      sessionId: session.id,
      step: session.steps,
      ...(beta === null ? {} : { beta: [...beta] }),
      n: step.n,
      xtwx: step.xtwx,
      xtwz: step.xtwz,
      deviance: step.deviance,
      aicTerms: step.deviance + session.aicOffset,
    };
    return this.site.sign(body, started);
  }
}
