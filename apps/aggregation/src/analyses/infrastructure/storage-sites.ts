import { Injectable } from '@nestjs/common';
import { StorageModel, StorageSummarize } from '@phdmf/contracts';
import { timeSiteSummary } from '@phdmf/observability';
import { MessageBus, type ActorHeader } from '@phdmf/messaging';

/**
 * The one place that sends summary and model requests to storage nodes, on each node's own subject
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

  /** One model operation (a table, correlation moments, a GLM session's open, step or close) on the node's model subject. */
  model(nodeId: string, payload: StorageModel.Payload, researcher: ActorHeader, timeoutMs: number): Promise<unknown> {
    return this.bus.request(StorageModel.contractFor(nodeId), payload, { actor: researcher, timeoutMs });
  }
}
