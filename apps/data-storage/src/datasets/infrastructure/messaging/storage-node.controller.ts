import { Controller, type Type } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { StorageGetNodeInfo, StorageModel, StorageRunAudit, StorageSummarize } from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import { HandleRequest } from '@phdmf/messaging';
import { CloseGlmSessionCommand } from '../../commands/close-glm-session/close-glm-session.command';
import { OpenGlmSessionCommand } from '../../commands/open-glm-session/open-glm-session.command';
import { RunAuditCommand } from '../../commands/run-audit/run-audit.command';
import { CorrelateQuery } from '../../queries/correlate/correlate.query';
import { CrossTableQuery } from '../../queries/cross-table/cross-table.query';
import { StepGlmSessionQuery } from '../../queries/step-glm-session/step-glm-session.query';
import { GetNodeInfoQuery } from '../../queries/get-node-info/get-node-info.query';
import { SummarizeDatasetQuery } from '../../queries/summarize-dataset/summarize-dataset.query';

/**
 * The node's NATS handlers. Built per node because the subjects carry the node id
 * (`phdmf.storage.<nodeId>.…`) and @HandleRequest needs the subject when the class is defined —
 * the same pattern as healthControllerFor in @phdmf/messaging. Nothing here ever returns a row.
 */
export function storageNodeControllerFor(nodeId: string): Type {
  @Controller()
  class StorageNodeController {
    constructor(
      private readonly queries: QueryBus,
      private readonly commands: CommandBus,
    ) {}

    @HandleRequest(StorageSummarize.contractFor(nodeId))
    summarize(p: StorageSummarize.Payload): Promise<StorageSummarize.Result> {
      return this.queries.execute(new SummarizeDatasetQuery(p, Correlation.current()?.actor));
    }

    /** The modelling operations (issue 16): one subject, the operation's kind picks its use case. */
    @HandleRequest(StorageModel.contractFor(nodeId))
    model(p: StorageModel.Payload): Promise<StorageModel.Result> {
      const actor = Correlation.current()?.actor;
      const head = { analysisId: p.analysisId, datasetId: p.datasetId, requester: p.requester };
      const op = p.operation;
      switch (op.kind) {
        case 'table':
          return this.queries.execute(new CrossTableQuery(head, op, actor));
        case 'correlation':
          return this.queries.execute(new CorrelateQuery(head, op, actor));
        case 'glm.open':
          return this.commands.execute(new OpenGlmSessionCommand(head, op, actor));
        case 'glm.step':
          return this.queries.execute(new StepGlmSessionQuery(head, op, actor));
        case 'glm.close':
          return this.commands.execute(new CloseGlmSessionCommand(head, op, actor));
      }
    }

    @HandleRequest(StorageGetNodeInfo.contractFor(nodeId))
    nodeInfo(_p: StorageGetNodeInfo.Payload): Promise<StorageGetNodeInfo.Result> {
      return this.queries.execute(new GetNodeInfoQuery());
    }

    @HandleRequest(StorageRunAudit.contractFor(nodeId))
    audit(_p: StorageRunAudit.Payload): Promise<StorageRunAudit.Result> {
      return this.commands.execute(new RunAuditCommand('nats'));
    }
  }
  return StorageNodeController;
}
