import type { StorageModel } from '@phdmf/contracts';
import type { ActorHeader } from '@phdmf/messaging';

/** One IRLS iteration of an open model session (issue 16). */
export class StepGlmSessionQuery {
  constructor(
    readonly head: StorageModel.ModelRequestHead,
    readonly operation: StorageModel.GlmStepOperation,
    readonly actor: ActorHeader | undefined,
  ) {}
}
