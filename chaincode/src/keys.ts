import type { Context } from 'fabric-contract-api';

/**
 * Object types of the composite keys in world state. Every key is
 * `createCompositeKey(ObjectType.X, attributes)`, i.e. `\u0000<type>\u0000<attr1>\u0000…`.
 */
export const ObjectType = {
  /** [] → ConsortiumRecord */
  Consortium: 'consortium',
  /** [memberId] → MemberRecord */
  Member: 'member',
  /** [mspId] → memberId (JSON string) */
  MemberByMsp: 'member~msp',
  /** [nodeId] → memberId (JSON string): who holds a storage node id; one member per node id */
  MemberByNode: 'member~node',
  /** [datasetId] → DatasetRecord (current version; its history is the version history) */
  Dataset: 'dataset',
  /** [datasetId] → ProvenanceEntry, written blind by every operation; its history is the provenance */
  Provenance: 'provenance',
  /** [requestId] → AccessRequestRecord */
  Request: 'request',
  /** [datasetId, requester, requestId] → requestId (JSON string) */
  RequestByDataset: 'request~dataset',
  /** [requester, requestId] → requestId (JSON string) */
  RequestByRequester: 'request~requester',
  /** [analysisId] → AnalysisRecord */
  Analysis: 'analysis',
  /** [requestId] → BudgetAccount: a dp grant's budget and what is spent of it (the key reservations contend on) */
  Budget: 'budget',
  /** [analysisId] → BudgetReservationRecord */
  Reservation: 'reservation',
  /** [requestId, analysisId] → analysisId (JSON string): the reservations charged to a grant */
  ReservationByGrant: 'reservation~grant',
  /** [datasetId, findingId] → TamperFindingRecord */
  Finding: 'finding',
  /** [commitKey] → KeyedCommitRecord: the one transaction committed under a commit key (keyed-commits.ts) */
  KeyedCommit: 'keyed-commit',
} as const;

/** One of {@link ObjectType}. */
export type ObjectType = (typeof ObjectType)[keyof typeof ObjectType];

/** Builds a world-state key. */
export function key(ctx: Context, type: ObjectType, ...attributes: string[]): string {
  return ctx.stub.createCompositeKey(type, attributes);
}
