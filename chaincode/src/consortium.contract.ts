import { Context, Returns, Transaction } from 'fabric-contract-api';
import { ChaincodeError, ChaincodeErrorCode } from './errors';
import { findKeyedCommit, KeyedContract } from './keyed-commits';
import { ChaincodeEvent, emitResult } from './events';
import { key, ObjectType } from './keys';
import { findMember, findMemberByMsp, loadConsortium, loadMember, requireGovernor } from './lookups';
import { marshal } from './marshal';
import { ContractName } from './names';
import { MemberStatus, type ConsortiumRecord, type MemberRecord } from './records';
import { callerMsp, deleteState, readByPartialKey, readState, txTime, writeState } from './state';
import { Fields, Limits } from './validation';

/**
 * Makes `memberId` the holder of `nodeId`, or refuses with MEMBER.NODE_ID_TAKEN when another member
 * holds it. A node id names a site's own ledger subjects (`phdmf.ledger.node.<nodeId>.…`) and the
 * ledger service binds those subjects to the one active member that registered the id: a second
 * member claiming it would lock the first one's site out. `previousNodeId` (the member's current id)
 * is released when it changes, so a retired id can be registered again.
 */
async function claimNodeId(ctx: Context, memberId: string, nodeId: string, previousNodeId?: string): Promise<void> {
  const nodeKey = key(ctx, ObjectType.MemberByNode, nodeId);
  const holderId = (await readState(ctx, nodeKey)) as string | undefined;
  if (holderId !== undefined && holderId !== memberId) {
    throw new ChaincodeError(ChaincodeErrorCode.MemberNodeIdTaken, `node id "${nodeId}" is registered by member "${holderId}"`);
  }
  if (previousNodeId !== undefined && previousNodeId !== nodeId) await deleteState(ctx, key(ctx, ObjectType.MemberByNode, previousNodeId));
  await writeState(ctx, nodeKey, memberId);
}

/** Membership: the governing MSP, member institutions and their storage nodes. */
export class ConsortiumContract extends KeyedContract {
  constructor() {
    super(ContractName.Consortium);
  }

  /** `{ consortiumName }` → ConsortiumRecord. Makes the caller's MSP the governor; once only. */
  @Transaction()
  @Returns('string')
  async initialize(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['consortiumName']);
    const consortiumName = f.text('consortiumName', { max: Limits.name });

    const consortiumKey = key(ctx, ObjectType.Consortium);
    const existing = (await readState(ctx, consortiumKey)) as ConsortiumRecord | undefined;
    if (existing !== undefined) {
      throw new ChaincodeError(
        ChaincodeErrorCode.ConsortiumAlreadyInitialized,
        `the consortium "${existing.consortiumName}" is already governed by MSP "${existing.governorMspId}"`,
      );
    }
    const record: ConsortiumRecord = {
      consortiumName,
      governorMspId: callerMsp(ctx),
      initializedAt: txTime(ctx),
      txId: ctx.stub.getTxID(),
    };
    await writeState(ctx, consortiumKey, record);
    return emitResult(ctx, ChaincodeEvent.ConsortiumInitialized, record);
  }

  /**
   * `{ memberId, name, mspId, nodeId, nodePublicKey, endpoint }` → MemberRecord. Governor only. The node
   * id must not be another member's (MEMBER.NODE_ID_TAKEN).
   */
  @Transaction()
  @Returns('string')
  async admitMember(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['memberId', 'name', 'mspId', 'nodeId', 'nodePublicKey', 'endpoint']);
    const memberId = f.id('memberId');
    const name = f.text('name', { max: Limits.name });
    const mspId = f.id('mspId');
    const nodeId = f.id('nodeId');
    const nodePublicKey = f.publicKeyPem('nodePublicKey');
    const endpoint = f.url('endpoint');

    const consortium = await requireGovernor(ctx);
    // A member bound to the governing MSP would sign as the consortium itself (admit members,
    // record analyses): the governing MSP is never a member's.
    if (mspId === consortium.governorMspId) {
      throw new ChaincodeError(ChaincodeErrorCode.MemberAlreadyExists, `MSP "${mspId}" is the consortium's governing MSP and cannot be a member's`);
    }
    const existing = await findMember(ctx, memberId);
    if (existing?.status === MemberStatus.Active) {
      throw new ChaincodeError(ChaincodeErrorCode.MemberAlreadyExists, `member "${memberId}" is already admitted`);
    }
    const holder = await findMemberByMsp(ctx, mspId);
    if (holder?.status === MemberStatus.Active) {
      throw new ChaincodeError(ChaincodeErrorCode.MemberAlreadyExists, `MSP "${mspId}" already belongs to member "${holder.memberId}"`);
    }

    const now = txTime(ctx);
    const record: MemberRecord = {
      memberId,
      name,
      mspId,
      status: MemberStatus.Active,
      nodeId,
      nodePublicKey,
      endpoint,
      decidedAt: now,
      updatedAt: now,
      txId: ctx.stub.getTxID(),
    };
    await claimNodeId(ctx, memberId, nodeId);
    await writeState(ctx, key(ctx, ObjectType.Member, memberId), record);
    await writeState(ctx, key(ctx, ObjectType.MemberByMsp, mspId), memberId);
    return emitResult(ctx, ChaincodeEvent.MemberAdmitted, record);
  }

  /** `{ memberId, name, mspId, reason }` → MemberRecord (status rejected). Governor only. */
  @Transaction()
  @Returns('string')
  async rejectMember(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['memberId', 'name', 'mspId', 'reason']);
    const memberId = f.id('memberId');
    const name = f.text('name', { max: Limits.name });
    const mspId = f.id('mspId');
    const reason = f.text('reason', { max: Limits.reason, multiline: true });

    await requireGovernor(ctx);
    const existing = await findMember(ctx, memberId);
    if (existing?.status === MemberStatus.Active) {
      throw new ChaincodeError(ChaincodeErrorCode.MemberAlreadyExists, `member "${memberId}" is already admitted and cannot be rejected`);
    }
    const holder = await findMemberByMsp(ctx, mspId);

    const now = txTime(ctx);
    const record: MemberRecord = {
      memberId,
      name,
      mspId,
      status: MemberStatus.Rejected,
      reason,
      decidedAt: now,
      updatedAt: now,
      txId: ctx.stub.getTxID(),
    };
    await writeState(ctx, key(ctx, ObjectType.Member, memberId), record);
    // The MSP index keeps pointing at an active member; otherwise it records the rejection, so the
    // MSP's later attempts fail with MEMBER.NOT_ACTIVE rather than MEMBER.NOT_FOUND.
    if (holder?.status !== MemberStatus.Active) {
      await writeState(ctx, key(ctx, ObjectType.MemberByMsp, mspId), memberId);
    }
    return emitResult(ctx, ChaincodeEvent.MemberRejected, record);
  }

  /**
   * `{ memberId, nodeId, nodePublicKey, endpoint }` → MemberRecord. Only from the member's own MSP; the
   * node id must not be another member's (MEMBER.NODE_ID_TAKEN); a replaced node id is released.
   */
  @Transaction()
  @Returns('string')
  async updateNode(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['memberId', 'nodeId', 'nodePublicKey', 'endpoint']);
    const memberId = f.id('memberId');
    const nodeId = f.id('nodeId');
    const nodePublicKey = f.publicKeyPem('nodePublicKey');
    const endpoint = f.url('endpoint');

    const member = await loadMember(ctx, memberId);
    const msp = callerMsp(ctx);
    if (msp !== member.mspId) {
      throw new ChaincodeError(ChaincodeErrorCode.MemberMspMismatch, `member "${memberId}" belongs to MSP "${member.mspId}", not "${msp}"`);
    }
    if (member.status !== MemberStatus.Active) {
      throw new ChaincodeError(ChaincodeErrorCode.MemberNotActive, `member "${memberId}" is not active`);
    }
    await claimNodeId(ctx, memberId, nodeId, member.nodeId);
    const record: MemberRecord = { ...member, nodeId, nodePublicKey, endpoint, updatedAt: txTime(ctx), txId: ctx.stub.getTxID() };
    await writeState(ctx, key(ctx, ObjectType.Member, memberId), record);
    return emitResult(ctx, ChaincodeEvent.NodeUpdated, record);
  }

  /** `{ memberId }` → MemberRecord, or MEMBER.NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async getMember(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['memberId']);
    return marshal(await loadMember(ctx, f.id('memberId')));
  }

  /** `{}` → MemberRecord[] (active and rejected), ordered by memberId. */
  @Transaction(false)
  @Returns('string')
  async listMembers(ctx: Context, request: string): Promise<string> {
    Fields.parse(request, []);
    return marshal(await readByPartialKey(ctx, ObjectType.Member, []));
  }

  /** `{ mspId }` → MemberRecord bound to the MSP, or MEMBER.NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async getMemberByMsp(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['mspId']);
    const mspId = f.id('mspId');
    const member = await findMemberByMsp(ctx, mspId);
    if (member === undefined) throw new ChaincodeError(ChaincodeErrorCode.MemberNotFound, `no member is bound to MSP "${mspId}"`);
    return marshal(member);
  }

  /**
   * `{ commitKey }` → KeyedCommitRecord: the transaction that committed under that key and the JSON
   * it returned (keyed-commits.ts), or COMMIT.KEY_NOT_FOUND. Here because a key is no one contract's.
   */
  @Transaction(false)
  @Returns('string')
  async getKeyedCommit(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['commitKey']);
    const commitKey = f.id('commitKey');
    const record = await findKeyedCommit(ctx, commitKey);
    if (record === undefined) throw new ChaincodeError(ChaincodeErrorCode.CommitKeyNotFound, `no transaction committed under key "${commitKey}"`);
    return marshal(record);
  }

  /** `{}` → ConsortiumRecord, or CONSORTIUM.NOT_INITIALIZED. */
  @Transaction(false)
  @Returns('string')
  async getConsortium(ctx: Context, request: string): Promise<string> {
    Fields.parse(request, []);
    return marshal(await loadConsortium(ctx));
  }
}
