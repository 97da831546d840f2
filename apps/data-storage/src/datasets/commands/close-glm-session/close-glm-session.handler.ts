import { Inject, Injectable } from '@nestjs/common';
import type { StorageModel } from '@phdmf/contracts';
import type { ActorHeader } from '@phdmf/messaging';
import { checkRequester } from '../../application/dataset-gate';
import type { GlmSessions } from '../../application/glm-sessions';
import { ModelSite } from '../../application/model-site';
import { GLM_SESSIONS } from '../../storage.tokens';

/** Ends a model session (issue 16), signed with the steps it answered (MODEL.SESSION_UNKNOWN for one this site does not hold). */
@Injectable()
export class CloseGlmSessionHandler {
  constructor(
    private readonly site: ModelSite,
    @Inject(GLM_SESSIONS) private readonly sessions: GlmSessions,
  ) {}

  execute(head: StorageModel.ModelRequestHead, operation: StorageModel.GlmCloseOperation, actor: ActorHeader | undefined): Promise<StorageModel.Result<StorageModel.GlmCloseBody>> {
    const started = performance.now();
    checkRequester(head.requester, actor);
    const session = this.sessions.close(operation.sessionId, head);
    const body: StorageModel.GlmCloseBody = {
      ...this.site.head('glm.close', head, session.dataset, session.grantRequestId, session),
      sessionId: session.id,
      steps: session.steps,
    };
    return Promise.resolve(this.site.sign(body, started));
  }
}
