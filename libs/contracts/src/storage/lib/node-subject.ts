import { defineCommand, defineQuery, type RequestContract, type PayloadClass } from '../../lib/contract';

/**
 * A storage node id as it appears in its subjects (`phdmf.storage.<nodeId>.…`). It must be one
 * NATS subject token that the contract regex accepts: lower-case letters, digits and hyphens, no
 * dots (a dot would split it into two tokens and let one node's id prefix another's subjects).
 */
export const STORAGE_NODE_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** True for a node id that can name a storage node's subjects. */
export function isStorageNodeId(nodeId: string): boolean {
  return STORAGE_NODE_ID_PATTERN.test(nodeId);
}

/** Throws unless `nodeId` can name a storage node's subjects. */
export function assertStorageNodeId(nodeId: string): void {
  if (!isStorageNodeId(nodeId)) {
    throw new Error(`"${nodeId}" is not a storage node id: 1-64 lower-case letters, digits and hyphens, not starting or ending with a hyphen`);
  }
}

/**
 * Builds the contract of one per-node message. Storage messages are addressed to one node (its
 * datasets are only there), so their subject carries the node id. The subject is written here,
 * in the contracts library, from a validated node id and a fixed message name: nothing else ever
 * assembles a storage subject.
 */
export function perNodeContract<P extends object, R>(
  kind: 'command' | 'query',
  nodeId: string,
  name: string,
  version: number,
  payload: PayloadClass<P>,
): RequestContract<P, R> {
  assertStorageNodeId(nodeId);
  const subject = `phdmf.storage.${nodeId}.${kind === 'command' ? 'cmd' : 'qry'}.${name}.v${version}`;
  return kind === 'command' ? defineCommand<P, R>(subject, payload) : defineQuery<P, R>(subject, payload);
}

/** Memoizes per-node contracts so that every caller for one node shares one frozen contract. */
export function perNodeContracts<P extends object, R>(build: (nodeId: string) => RequestContract<P, R>): (nodeId: string) => RequestContract<P, R> {
  const cache = new Map<string, RequestContract<P, R>>();
  return (nodeId) => {
    let contract = cache.get(nodeId);
    if (contract === undefined) {
      contract = build(nodeId);
      cache.set(nodeId, contract);
    }
    return contract;
  };
}
