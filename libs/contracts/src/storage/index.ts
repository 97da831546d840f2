// The data-storage service's wire contracts. Its messages are addressed to one node, so their
// subjects carry the node id: `StorageSummarize.contractFor(nodeId)`.
export * from './lib/errors';
export * from './lib/node-subject';
export * from './lib/canonical-json';
export * as StorageSummarize from './queries/summarize';
export * as StorageGetNodeInfo from './queries/get-node-info';
export * as StorageRunAudit from './commands/run-audit';
export * as StorageModel from './queries/model';
