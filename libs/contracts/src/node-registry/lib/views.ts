import type { LedgerMemberRecord } from '../../ledger/lib/records';

export type ApplicationStatus = 'pending' | 'admitted' | 'rejected';

/** Where an on-chain decision was committed. */
export interface OnChainReference {
  txId: string;
  blockNumber: number;
}

/** A membership application. */
export interface ApplicationView {
  applicationId: string;
  /** The member (organisation) id it has on-chain once admitted; assigned when applying. */
  memberId: string;
  /** The organisation (MSP) its members sign ledger transactions as: the institution's own, or `<memberId>-msp`. */
  mspId: string;
  name: string;
  contactName: string;
  contactEmail: string;
  applicantUserId: string;
  nodeId: string;
  endpoint: string;
  nodePublicKey: string;
  status: ApplicationStatus;
  reason?: string;
  submittedAt: string;
  decidedAt?: string;
  decidedBy?: string;
  /** The committed admission or rejection. */
  decision?: OnChainReference;
}

/** The outcome of one connection test against a member's storage node. */
export interface ConnectionTestResult {
  memberId: string;
  nodeId: string;
  reachable: boolean;
  /**
   * How the node was reached: `node` — `StorageGetNodeInfo.contractFor(nodeId)`, a query on this
   * node's own subject that no other site answers. (`service-health` appears only on tests recorded
   * by earlier versions, which asked the service-wide data-storage health query.)
   */
  probe: 'node' | 'service-health';
  testedAt: string;
  /** Round trip of the test request, in milliseconds (also when it failed). */
  roundTripMs: number;
  /** Software version the node reports. */
  softwareVersion?: string;
  /** Chain height as the node sees it (its own read of the ledger); absent when the node could not read the ledger. */
  ledgerHeight?: number;
  /** The node's own health checks (nats, database, ledger…). */
  checks?: Record<string, string>;
  /** Why the node is unreachable or unhealthy (stable code and a sentence). */
  failure?: { code: string; reason: string };
}

/** A consortium member and its storage node, as node information lists it. */
export interface InstitutionView {
  memberId: string;
  name: string;
  status: 'active';
  nodeId: string;
  endpoint: string;
  nodePublicKey: string;
  admittedAt: string;
  /** Last time the node answered a connection test or probe. */
  lastHeartbeatAt?: string;
  lastConnectionTest?: ConnectionTestResult;
  /** The member as recorded on-chain now (read from the ledger; absent if the ledger did not answer). */
  onChain?: LedgerMemberRecord;
  /** Set when the on-chain record could not be read (the ledger is down, say). */
  onChainError?: string;
  /** The committed admission. */
  admission: OnChainReference;
  /** The last committed node change, if any. */
  lastNodeUpdate?: OnChainReference;
}
