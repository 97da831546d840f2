import { Controller, type Type } from '@nestjs/common';
import { StorageGetNodeInfo, StorageModel, StorageRunAudit, StorageSummarize } from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import { HandleRequest } from '@phdmf/messaging';
import { CloseGlmSessionHandler } from '../../commands/close-glm-session/close-glm-session.handler';
import { OpenGlmSessionHandler } from '../../commands/open-glm-session/open-glm-session.handler';
import { RunAuditHandler } from '../../commands/run-audit/run-audit.handler';
import { CorrelateHandler } from '../../queries/correlate/correlate.handler';
import { CrossTableHandler } from '../../queries/cross-table/cross-table.handler';
import { GetNodeInfoHandler } from '../../queries/get-node-info/get-node-info.handler';
import { StepGlmSessionHandler } from '../../queries/step-glm-session/step-glm-session.handler';
import { SummarizeDatasetHandler } from '../../queries/summarize-dataset/summarize-dataset.handler';

/**
 * The node's NATS handlers. Built per node because the subjects carry the node id
 * (`phdmf.storage.<nodeId>.…`) and @HandleRequest needs the subject when the class is defined —
 * the same pattern as healthControllerFor in @phdmf/messaging. Nothing here ever returns a row.
 */
export function storageNodeControllerFor(nodeId: string): Type {
  @Controller()
  class StorageNodeController {
    constructor(
      private readonly summarizeDataset: SummarizeDatasetHandler,
      private readonly crossTable: CrossTableHandler,
      private readonly correlate: CorrelateHandler,
      private readonly openGlmSession: OpenGlmSessionHandler,
      private readonly stepGlmSession: StepGlmSessionHandler,
      private readonly closeGlmSession: CloseGlmSessionHandler,
      private readonly getNodeInfo: GetNodeInfoHandler,
      private readonly runAudit: RunAuditHandler,
    ) {}

    @HandleRequest(StorageSummarize.contractFor(nodeId))
    summarize(p: StorageSummarize.Payload): Promise<StorageSummarize.Result> {
      return this.summarizeDataset.execute(p, Correlation.current()?.actor);
    }

    /** The modelling operations (issue 16): one subject, the operation's kind picks its use case. */
    @HandleRequest(StorageModel.contractFor(nodeId))
    model(p: StorageModel.Payload): Promise<StorageModel.Result> {
      const actor = Correlation.current()?.actor;
      const head = { analysisId: p.analysisId, datasetId: p.datasetId, requester: p.requester };
      const op = p.operation;
      switch (op.kind) {
        case 'table':
          return this.crossTable.execute(head, op, actor);
        case 'correlation':
          return this.correlate.execute(head, op, actor);
        case 'glm.open':
          return this.openGlmSession.execute(head, op, actor);
        case 'glm.step':
          return this.stepGlmSession.execute(head, op, actor);
        case 'glm.close':
          return this.closeGlmSession.execute(head, op, actor);
      }
    }

    @HandleRequest(StorageGetNodeInfo.contractFor(nodeId))
    nodeInfo(_p: StorageGetNodeInfo.Payload): Promise<StorageGetNodeInfo.Result> {
      return this.getNodeInfo.execute();
    }

    @HandleRequest(StorageRunAudit.contractFor(nodeId))
    audit(_p: StorageRunAudit.Payload): Promise<StorageRunAudit.Result> {
      return this.runAudit.execute('nats');
    }
  }
  return StorageNodeController;
}
