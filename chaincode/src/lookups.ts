// Reads and authorisation checks shared by the contracts. Records come from our own writes, so a
// stored value is trusted to have the record's shape.
import type { Context } from 'fabric-contract-api';
import { ChaincodeError, ChaincodeErrorCode } from './errors';
import { key, ObjectType } from './keys';
import {
  MemberStatus,
  type ConsortiumRecord,
  type DatasetRecord,
  type MemberRecord,
  type ProvenanceEntry,
  type AccessRequestRecord,
} from './records';
import { callerMsp, readState, txTime, writeState } from './state';

/** The consortium record, or CONSORTIUM.NOT_INITIALIZED. */
export async function loadConsortium(ctx: Context): Promise<ConsortiumRecord> {
  const value = await readState(ctx, key(ctx, ObjectType.Consortium));
  if (value === undefined) {
    throw new ChaincodeError(ChaincodeErrorCode.ConsortiumNotInitialized, 'the consortium has not been initialized');
  }
  return value as ConsortiumRecord;
}

/** Refuses every MSP but the governing one. */
export async function requireGovernor(ctx: Context): Promise<ConsortiumRecord> {
  const consortium = await loadConsortium(ctx);
  const msp = callerMsp(ctx);
  if (msp !== consortium.governorMspId) {
    throw new ChaincodeError(ChaincodeErrorCode.ConsortiumNotGovernor, `MSP "${msp}" is not the governing MSP of the consortium`);
  }
  return consortium;
}

/** A member by id, if any. */
export async function findMember(ctx: Context, memberId: string): Promise<MemberRecord | undefined> {
  return (await readState(ctx, key(ctx, ObjectType.Member, memberId))) as MemberRecord | undefined;
}

/** A member by id, or MEMBER.NOT_FOUND. */
export async function loadMember(ctx: Context, memberId: string): Promise<MemberRecord> {
  const member = await findMember(ctx, memberId);
  if (member === undefined) throw new ChaincodeError(ChaincodeErrorCode.MemberNotFound, `member "${memberId}" does not exist`);
  return member;
}

/** The member bound to an MSP (active, or the latest rejected application), if any. */
export async function findMemberByMsp(ctx: Context, mspId: string): Promise<MemberRecord | undefined> {
  const memberId = (await readState(ctx, key(ctx, ObjectType.MemberByMsp, mspId))) as string | undefined;
  if (memberId === undefined) return undefined;
  const member = await findMember(ctx, memberId);
  // A rejected application may later be admitted under another MSP; the old index entry then goes stale.
  return member?.mspId === mspId ? member : undefined;
}

/** The caller's member, which must be admitted and active. */
export async function requireActiveCaller(ctx: Context): Promise<MemberRecord> {
  const msp = callerMsp(ctx);
  const member = await findMemberByMsp(ctx, msp);
  if (member === undefined) throw new ChaincodeError(ChaincodeErrorCode.MemberNotFound, `MSP "${msp}" is not a consortium member`);
  if (member.status !== MemberStatus.Active) {
    throw new ChaincodeError(ChaincodeErrorCode.MemberNotActive, `member "${member.memberId}" of MSP "${msp}" is not active`);
  }
  return member;
}

/** A dataset by id, or DATASET.NOT_FOUND. */
export async function loadDataset(ctx: Context, datasetId: string): Promise<DatasetRecord> {
  const value = await readState(ctx, key(ctx, ObjectType.Dataset, datasetId));
  if (value === undefined) throw new ChaincodeError(ChaincodeErrorCode.DatasetNotFound, `dataset "${datasetId}" does not exist`);
  return value as DatasetRecord;
}

/** An access request by id, or ACCESS.REQUEST_NOT_FOUND. */
export async function loadRequest(ctx: Context, requestId: string): Promise<AccessRequestRecord> {
  const value = await readState(ctx, key(ctx, ObjectType.Request, requestId));
  if (value === undefined) {
    throw new ChaincodeError(ChaincodeErrorCode.AccessRequestNotFound, `access request "${requestId}" does not exist`);
  }
  return value as AccessRequestRecord;
}

/** What the caller states about an operation; the rest of the provenance entry comes from the transaction. */
export type ProvenanceInput = Omit<ProvenanceEntry, 'organisation' | 'timestamp' | 'txId'>;

/**
 * Appends to a dataset's provenance: a blind write (no read) of its operation-log key, so the key's
 * history is the provenance and concurrent operations on one dataset never conflict on it.
 */
export async function recordProvenance(ctx: Context, input: ProvenanceInput): Promise<void> {
  const entry: ProvenanceEntry = { ...input, organisation: callerMsp(ctx), timestamp: txTime(ctx), txId: ctx.stub.getTxID() };
  await writeState(ctx, key(ctx, ObjectType.Provenance, input.datasetId), entry);
}
