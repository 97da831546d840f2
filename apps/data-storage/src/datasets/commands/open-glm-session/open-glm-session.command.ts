import type { StorageModel } from '@phdmf/contracts';
import type { ActorHeader } from '@phdmf/messaging';

/** Opens a GLM model session at this site (issue 16), as asked on the node's model subject. */
export class OpenGlmSessionCommand {
  constructor(
    readonly head: StorageModel.ModelRequestHead,
    readonly operation: StorageModel.GlmOpenOperation,
    readonly actor: ActorHeader | undefined,
  ) {}
}
