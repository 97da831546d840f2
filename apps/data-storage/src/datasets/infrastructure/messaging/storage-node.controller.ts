import { Controller, type Type } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { StorageGetNodeInfo, StorageRunAudit, StorageSummarize } from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import { HandleRequest } from '@phdmf/messaging';
import { RunAuditCommand } from '../../commands/run-audit/run-audit.command';
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
