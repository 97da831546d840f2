import { perNodeContract, perNodeContracts } from '../../lib/node-subject';

/** Asks one storage node about itself; it takes no parameters. */
export class Payload {}

/** How one of the node's dependencies is doing. */
export type CheckStatus = 'up' | 'down';

/**
 * What one storage node reports about itself. Only the node addressed answers (the subject carries
 * its id), so `nodeId` is the answering node's own configured id — a caller checks it against the
 * node it asked.
 */
export interface Result {
  /** The answering node's id (its NODE_ID). */
  nodeId: string;
  /** The member organisation that runs the node. */
  organisationId: string;
  /** The node's software version. */
  softwareVersion: string;
  /** The chain height as this node sees it through the ledger service; `null` when the ledger did not answer in time. */
  ledgerHeight: number | null;
  /** The node's own checks: `nats`, `database`, `ledger`. */
  checks: Record<string, CheckStatus>;
  /** `nodeKeyId` (SHA-256 of the SPKI DER) of the public half of the node's signing key. */
  publicKeyFingerprint?: string;
}

/** The node-info query of one storage node: `phdmf.storage.<nodeId>.qry.node-info.v1`. */
export const contractFor = perNodeContracts<Payload, Result>((nodeId) => perNodeContract<Payload, Result>('query', nodeId, 'node-info', 1, Payload));
