import type { StorageSummarize } from '@phdmf/contracts';
import type { ActorHeader } from '@phdmf/messaging';

/** A summary request as it arrived on the node's subject, with the acting user of its headers. */
export class SummarizeDatasetQuery {
  constructor(
    readonly request: StorageSummarize.Payload,
    readonly actor: ActorHeader | undefined,
  ) {}
}
