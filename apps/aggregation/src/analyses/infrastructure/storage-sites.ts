import { Injectable } from '@nestjs/common';
import { StorageSummarize } from '@phdmf/contracts';
import { timeSiteSummary } from '@phdmf/observability';
import { MessageBus, type ActorHeader } from '@phdmf/messaging';

/**
 * The one place that sends summary requests to storage nodes, on each node's own subject
 * (`StorageSummarize.contractFor(nodeId)`): only the storage service configured with that node id
 * answers there. The researcher travels as the acting user, so the node checks the researcher's
 * own grant with the ledger. The answer is returned unread: the caller verifies it.
 */
@Injectable()
export class StorageSites {
  constructor(private readonly bus: MessageBus) {}

  summarize(nodeId: string, payload: StorageSummarize.Payload, researcher: ActorHeader, timeoutMs: number): Promise<unknown> {
    return timeSiteSummary(nodeId, () => this.bus.request(StorageSummarize.contractFor(nodeId), payload, { actor: researcher, timeoutMs }));
  }
}
