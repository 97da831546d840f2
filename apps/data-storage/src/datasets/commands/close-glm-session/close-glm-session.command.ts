import type { StorageModel } from '@phdmf/contracts';
import type { ActorHeader } from '@phdmf/messaging';

/** Ends a model session (issue 16). */
export class CloseGlmSessionCommand {
  constructor(
    readonly head: StorageModel.ModelRequestHead,
    readonly operation: StorageModel.GlmCloseOperation,
    readonly actor: ActorHeader | undefined,
  ) {}
}
