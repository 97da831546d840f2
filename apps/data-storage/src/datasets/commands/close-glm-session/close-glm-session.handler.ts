import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { StorageModel } from '@phdmf/contracts';
import { checkRequester } from '../../application/dataset-gate';
import type { GlmSessions } from '../../application/glm-sessions';
import { ModelSite } from '../../application/model-site';
import { GLM_SESSIONS } from '../../storage.tokens';
import { CloseGlmSessionCommand } from './close-glm-session.command';

/** Ends a model session, signed with the steps it answered (MODEL.SESSION_UNKNOWN for one this site does not hold). */
@CommandHandler(CloseGlmSessionCommand)
export class CloseGlmSessionHandler implements ICommandHandler<CloseGlmSessionCommand, StorageModel.Result<StorageModel.GlmCloseBody>> {
  constructor(
    private readonly site: ModelSite,
    @Inject(GLM_SESSIONS) private readonly sessions: GlmSessions,
  ) {}

  execute({ head, operation, actor }: CloseGlmSessionCommand): Promise<StorageModel.Result<StorageModel.GlmCloseBody>> {
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
