import type { RequestContract } from '../../lib/contract';
import { assertStorageNodeId } from '../../storage/lib/node-subject';

// The ledger commands a storage site sends (its releases, updates, deletions, tamper findings) on a
// subject that names the site's node: `phdmf.ledger.node.<nodeId>.cmd.<name>.v<N>`. NATS tells a
// responder nothing about who published, but a subject can: a site's NATS user may publish only on
// its own node's subjects (infra/nats/permissions.mjs), and the ledger signs such a command only for
// the member that registered that node. A compromised site therefore cannot act for another
// institution, nor as the consortium, whatever actor header it writes.

const PREFIX = 'phdmf.ledger.';
const NODE_TOKEN = 'node';

function nodeBound(subject: string, nodeToken: string): string {
  if (!subject.startsWith(`${PREFIX}cmd.`)) throw new Error(`"${subject}" is not a ledger command subject`);
  return `${PREFIX}${NODE_TOKEN}.${nodeToken}.${subject.slice(PREFIX.length)}`;
}

const perNode = new Map<string, RequestContract<object, unknown>>();

/** The contract of `contract` on `nodeId`'s own subject, for that node's storage service to send. */
export function ledgerNodeContract<P extends object, R>(contract: RequestContract<P, R>, nodeId: string): RequestContract<P, R> {
  assertStorageNodeId(nodeId);
  const key = `${contract.subject} ${nodeId}`;
  let bound = perNode.get(key);
  if (bound === undefined) {
    bound = Object.freeze({ ...contract, subject: nodeBound(contract.subject, nodeId) });
    perNode.set(key, bound);
  }
  return bound as RequestContract<P, R>;
}

/** The same contract on every node's subject (`phdmf.ledger.node.*.cmd.…`), for the ledger to answer. */
export function ledgerNodeContracts<P extends object, R>(contract: RequestContract<P, R>): RequestContract<P, R> {
  return Object.freeze({ ...contract, subject: nodeBound(contract.subject, '*') });
}

/** The node a node-bound ledger subject names; undefined for any other subject. */
export function nodeOfLedgerSubject(subject: string): string | undefined {
  const tokens = subject.split('.');
  return tokens[0] === 'phdmf' && tokens[1] === 'ledger' && tokens[2] === NODE_TOKEN && tokens[4] === 'cmd' ? tokens[3] : undefined;
}
