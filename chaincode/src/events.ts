import type { Context } from 'fabric-contract-api';
import { marshal } from './marshal';

/**
 * Chaincode event names. Each write transaction emits exactly one of them (Fabric keeps only the last
 * event of a transaction); the payload is the marshalled record the transaction wrote.
 */
export const ChaincodeEvent = {
  /** Payload: ConsortiumRecord. */
  ConsortiumInitialized: 'ConsortiumInitialized',
  /** Payload: MemberRecord (status active). */
  MemberAdmitted: 'MemberAdmitted',
  /** Payload: MemberRecord (status rejected). */
  MemberRejected: 'MemberRejected',
  /** Payload: MemberRecord with the new node id, key and endpoint. */
  NodeUpdated: 'NodeUpdated',
  /** Payload: DatasetRecord. */
  DatasetAdded: 'DatasetAdded',
  /** Payload: DatasetRecord. */
  DatasetUpdated: 'DatasetUpdated',
  /** Payload: DatasetRecord (status deleted). */
  DatasetDeleted: 'DatasetDeleted',
  /** Payload: DatasetRecord with the owner's new stance (same version). */
  DatasetStanceSet: 'DatasetStanceSet',
  /** Payload: AccessRequestRecord (status pending). */
  AccessRequested: 'AccessRequested',
  /** Payload: AccessRequestRecord (status granted). */
  AccessGranted: 'AccessGranted',
  /** Payload: AccessRequestRecord (status denied). */
  AccessDenied: 'AccessDenied',
  /** Payload: AccessRequestRecord (status revoked). */
  AccessRevoked: 'AccessRevoked',
  /** Payload: AnalysisRecord. */
  AnalysisRecorded: 'AnalysisRecorded',
  /** Payload: BudgetReservationRecord (status reserved). */
  BudgetReserved: 'BudgetReserved',
  /** Payload: BudgetReservationRecord (status released). */
  ReservationReleased: 'ReservationReleased',
  /** Payload: TamperFindingRecord. */
  TamperDetected: 'TamperDetected',
} as const;

/** One of the values of {@link ChaincodeEvent}. */
export type ChaincodeEvent = (typeof ChaincodeEvent)[keyof typeof ChaincodeEvent];

/** Emits the transaction's event with `record` as payload and returns the marshalled record as the result. */
export function emitResult(ctx: Context, name: ChaincodeEvent, record: unknown): string {
  const json = marshal(record);
  ctx.stub.setEvent(name, Buffer.from(json, 'utf8'));
  return json;
}
