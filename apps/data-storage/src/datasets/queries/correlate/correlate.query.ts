import type { StorageModel } from '@phdmf/contracts';
import type { ActorHeader } from '@phdmf/messaging';

/** Pairwise moments of numeric columns (issue 16), as they were asked on the node's model subject. */
export class CorrelateQuery {
  constructor(
    readonly head: StorageModel.ModelRequestHead,
    readonly operation: StorageModel.CorrelationOperation,
    readonly actor: ActorHeader | undefined,
  ) {}
}
