import type { StorageModel } from '@phdmf/contracts';
import type { ActorHeader } from '@phdmf/messaging';

/** A contingency table of one or two strata (issue 16), as it arrived on the node's model subject. */
export class CrossTableQuery {
  constructor(
    readonly head: StorageModel.ModelRequestHead,
    readonly operation: StorageModel.TableOperation,
    readonly actor: ActorHeader | undefined,
  ) {}
}
