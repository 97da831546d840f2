import { Context, Returns, Transaction } from 'fabric-contract-api';
import { ChaincodeError, ChaincodeErrorCode } from './errors';
import { KeyedContract } from './keyed-commits';
import { ChaincodeEvent, emitResult } from './events';
import { privacyOf } from './budget';
import { datasetRefusal, grantRefusal, mostRelevant, type Refusal } from './grants';
import { key, ObjectType } from './keys';
import { findMemberByMsp, loadConsortium, loadDataset, loadRequest, recordProvenance, requireActiveCaller } from './lookups';
import { marshal } from './marshal';
import { ContractName } from './names';
import {
  DatasetStatus,
  ProvenanceOperation,
  RequestStatus,
  type AccessCheck,
  type AccessRequestRecord,
  type BudgetAccount,
  type DatasetRecord,
  type Grant,
  type MemberRecord,
} from './records';
import { callerMsp, readByPartialKey, readState, requireOwnerEndorsement, txTime, txTimeMs, writeState } from './state';
import { Fields, Limits, parseIsoTime } from './validation';

function outside(items: readonly string[], allowed: readonly string[]): string[] {
  return items.filter((item) => !allowed.includes(item));
}

/** Loads a request and its dataset, refusing every MSP but the dataset owner's (ACCESS.NOT_OWNER). */
async function loadOwnRequest(
  ctx: Context,
  requestId: string,
): Promise<{ request: AccessRequestRecord; dataset: DatasetRecord; owner: MemberRecord }> {
  const request = await loadRequest(ctx, requestId);
  const dataset = await loadDataset(ctx, request.datasetId);
  const msp = callerMsp(ctx);
  if (msp !== dataset.ownerMspId) {
    throw new ChaincodeError(
      ChaincodeErrorCode.AccessNotOwner,
      `only the owner of dataset "${dataset.datasetId}" (MSP "${dataset.ownerMspId}") may decide request "${requestId}", not MSP "${msp}"`,
    );
  }
  const owner = await requireActiveCaller(ctx);
  return { request, dataset, owner };
}

function requireStatus(request: AccessRequestRecord, expected: RequestStatus): void {
  if (request.status !== expected) {
    throw new ChaincodeError(
      ChaincodeErrorCode.AccessInvalidState,
      `request "${request.requestId}" is ${request.status}; the operation needs it ${expected}`,
    );
  }
}

/**
 * The two ways an owner ends a request — deny a pending one, revoke a granted one — differ only in
 * these: the status needed and reached, where the decision is kept, the provenance operation and
 * the event. Checks, record and provenance are one function, {@link closeRequest}.
 */
const Closings = {
  deny: { from: RequestStatus.Pending, to: RequestStatus.Denied, decision: 'denial', operation: ProvenanceOperation.Deny, event: ChaincodeEvent.AccessDenied },
  revoke: { from: RequestStatus.Granted, to: RequestStatus.Revoked, decision: 'revocation', operation: ProvenanceOperation.Revoke, event: ChaincodeEvent.AccessRevoked },
} as const;

/** `{ requestId, operator, reason }` → AccessRequestRecord, closed as `closing` says. Dataset owner's MSP only. */
async function closeRequest(ctx: Context, request: string, closing: (typeof Closings)[keyof typeof Closings]): Promise<string> {
  const f = Fields.parse(request, ['requestId', 'operator', 'reason']);
  const requestId = f.id('requestId');
  const operator = f.id('operator');
  const reason = f.text('reason', { max: Limits.reason, multiline: true });

  const { request: current, dataset, owner } = await loadOwnRequest(ctx, requestId);
  requireStatus(current, closing.from);
  const now = txTime(ctx);
  const txId = ctx.stub.getTxID();
  const record: AccessRequestRecord = {
    ...current,
    status: closing.to,
    [closing.decision]: { operator, reason, decidedAt: now, txId },
    updatedAt: now,
    txId,
  };
  await writeState(ctx, key(ctx, ObjectType.Request, requestId), record);
  await recordProvenance(ctx, {
    operation: closing.operation,
    datasetId: dataset.datasetId,
    datasetVersion: dataset.version,
    sha256: dataset.sha256,
    description: reason,
    operator,
    memberId: owner.memberId,
    referenceId: requestId,
  });
  return emitResult(ctx, closing.event, record);
}

async function readRequests(ctx: Context, objectType: ObjectType, attributes: string[]): Promise<AccessRequestRecord[]> {
  const ids = (await readByPartialKey(ctx, objectType, attributes)) as string[];
  const requests: AccessRequestRecord[] = [];
  for (const id of ids) requests.push(await loadRequest(ctx, id));
  return requests;
}

/** Access requests, grants, denials and revocations, and the check whether a grant is in force. */
export class AccessContract extends KeyedContract {
  constructor() {
    super(ContractName.Access);
  }

  /**
   * `{ requestId, datasetId, requester, requesterOrg?, purpose, columns, statistics, requestedExpiry }`
   * → AccessRequestRecord (pending). From any active member's MSP or the governor, on a researcher's behalf.
   */
  @Transaction()
  @Returns('string')
  async requestAccess(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['requestId', 'datasetId', 'requester', 'requesterOrg', 'purpose', 'columns', 'statistics', 'requestedExpiry', 'privacyMode', 'budgetRho']);
    const requestId = f.id('requestId');
    const datasetId = f.id('datasetId');
    const requester = f.id('requester');
    const requesterOrg = f.optionalId('requesterOrg');
    const purpose = f.text('purpose', { max: Limits.purpose, multiline: true });
    const columns = f.columns('columns');
    const statistics = f.statistics('statistics');
    const requestedExpiry = f.isoTime('requestedExpiry');
    // The researcher may propose a mode and budget; the owner decides when granting.
    const proposedMode = f.optionalPrivacyMode('privacyMode');
    const proposedRho = f.optionalPositiveNumber('budgetRho');
    const proposal = proposedMode === undefined && proposedRho === undefined ? {} : privacyOf(proposedMode ?? 'controlled', proposedRho);

    const consortium = await loadConsortium(ctx);
    const msp = callerMsp(ctx);
    const submitter = msp === consortium.governorMspId ? await findMemberByMsp(ctx, msp) : await requireActiveCaller(ctx);

    const requestKey = key(ctx, ObjectType.Request, requestId);
    if ((await readState(ctx, requestKey)) !== undefined) {
      throw new ChaincodeError(ChaincodeErrorCode.AccessRequestAlreadyExists, `access request "${requestId}" already exists`);
    }
    const dataset = await loadDataset(ctx, datasetId);
    if (dataset.status === DatasetStatus.Deleted) {
      throw new ChaincodeError(ChaincodeErrorCode.DatasetDeleted, `dataset "${datasetId}" was deleted`);
    }
    if (dataset.stance === 'closed') {
      throw new ChaincodeError(ChaincodeErrorCode.AccessDatasetClosed, `the owner of dataset "${datasetId}" does not take access requests for it`);
    }
    if (dataset.columns !== undefined) {
      const unknown = outside(columns, dataset.columns);
      if (unknown.length > 0) {
        throw new ChaincodeError(ChaincodeErrorCode.InputInvalid, `"columns" names columns not in dataset "${datasetId}": ${unknown.join(', ')}`);
      }
    }
    const now = txTime(ctx);
    if ((parseIsoTime(requestedExpiry) ?? 0) <= txTimeMs(ctx)) {
      throw new ChaincodeError(ChaincodeErrorCode.InputInvalid, `"requestedExpiry" must be after the transaction time ${now}`);
    }

    const record: AccessRequestRecord = {
      requestId,
      datasetId,
      datasetVersion: dataset.version,
      datasetSha256: dataset.sha256,
      ownerMemberId: dataset.ownerMemberId,
      ownerMspId: dataset.ownerMspId,
      requester,
      requesterOrg,
      purpose,
      columns,
      statistics,
      requestedExpiry,
      ...proposal,
      submittedByMspId: msp,
      requestedAt: now,
      requestTxId: ctx.stub.getTxID(),
      status: RequestStatus.Pending,
      updatedAt: now,
      txId: ctx.stub.getTxID(),
    };
    await writeState(ctx, requestKey, record);
    // Its grant, denial or revocation is the dataset owner's decision: valid only with the owner's peer's endorsement.
    await requireOwnerEndorsement(ctx, requestKey, dataset.ownerMspId);
    await writeState(ctx, key(ctx, ObjectType.RequestByDataset, datasetId, requester, requestId), requestId);
    await writeState(ctx, key(ctx, ObjectType.RequestByRequester, requester, requestId), requestId);
    await recordProvenance(ctx, {
      operation: ProvenanceOperation.Request,
      datasetId,
      datasetVersion: dataset.version,
      sha256: dataset.sha256,
      description: purpose,
      operator: requester,
      memberId: submitter?.memberId,
      referenceId: requestId,
    });
    return emitResult(ctx, ChaincodeEvent.AccessRequested, record);
  }

  /**
   * `{ requestId, operator, columns?, statistics?, expiresAt?, reason?, followsUpdates?, privacyMode?, budgetRho? }`
   * → AccessRequestRecord (granted). Dataset owner's MSP only. The scope defaults to the requested one
   * and may only be narrowed. The privacy mode is the owner's: the proposal fills what it leaves out;
   * a dp grant opens its budget account (`budget[requestId]`).
   */
  @Transaction()
  @Returns('string')
  async grantAccess(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['requestId', 'operator', 'columns', 'statistics', 'expiresAt', 'reason', 'followsUpdates', 'privacyMode', 'budgetRho']);
    const requestId = f.id('requestId');
    const followsUpdates = f.optionalBoolean('followsUpdates') ?? false;
    const operator = f.id('operator');
    const columns = f.optionalColumns('columns');
    const statistics = f.optionalStatistics('statistics');
    const expiresAt = f.optionalIsoTime('expiresAt');
    const reason = f.optionalText('reason', { max: Limits.reason, multiline: true });
    const chosenMode = f.optionalPrivacyMode('privacyMode');
    const chosenRho = f.optionalPositiveNumber('budgetRho');

    const { request: current, dataset, owner } = await loadOwnRequest(ctx, requestId);
    requireStatus(current, RequestStatus.Pending);
    // The owner's choice; what the researcher proposed fills what the owner left out.
    const mode = chosenMode ?? current.privacyMode ?? 'controlled';
    const privacy = privacyOf(mode, chosenRho ?? (mode === 'dp' ? current.budgetRho : undefined));
    if (dataset.status === DatasetStatus.Deleted) {
      throw new ChaincodeError(ChaincodeErrorCode.DatasetDeleted, `dataset "${dataset.datasetId}" was deleted`);
    }

    const widenedColumns = outside(columns ?? [], current.columns);
    if (widenedColumns.length > 0) {
      throw new ChaincodeError(ChaincodeErrorCode.AccessScopeWidened, `"columns" adds columns that were not requested: ${widenedColumns.join(', ')}`);
    }
    const widenedStatistics = outside(statistics ?? [], current.statistics);
    if (widenedStatistics.length > 0) {
      throw new ChaincodeError(
        ChaincodeErrorCode.AccessScopeWidened,
        `"statistics" adds statistics that were not requested: ${widenedStatistics.join(', ')}`,
      );
    }
    const nowMs = txTimeMs(ctx);
    const requestedExpiryMs = parseIsoTime(current.requestedExpiry) ?? 0;
    if (expiresAt !== undefined) {
      const expiresAtMs = parseIsoTime(expiresAt) ?? 0;
      if (expiresAtMs > requestedExpiryMs) {
        throw new ChaincodeError(
          ChaincodeErrorCode.AccessScopeWidened,
          `"expiresAt" ${expiresAt} is later than the requested expiry ${current.requestedExpiry}`,
        );
      }
      if (expiresAtMs <= nowMs) {
        throw new ChaincodeError(ChaincodeErrorCode.InputInvalid, `"expiresAt" must be after the transaction time ${txTime(ctx)}`);
      }
    } else if (requestedExpiryMs <= nowMs) {
      throw new ChaincodeError(
        ChaincodeErrorCode.AccessExpired,
        `request "${requestId}" asked for access until ${current.requestedExpiry}, which has passed; deny it instead`,
      );
    }

    const now = txTime(ctx);
    const txId = ctx.stub.getTxID();
    const grant: Grant = {
      columns: columns ?? current.columns,
      statistics: statistics ?? current.statistics,
      expiresAt: expiresAt ?? current.requestedExpiry,
      // Bound to the version the owner saw when granting; later ones only by the owner's explicit choice.
      datasetVersion: dataset.version,
      followsUpdates,
      ...privacy,
      operator,
      reason,
      grantedAt: now,
      txId,
    };
    const record: AccessRequestRecord = { ...current, status: RequestStatus.Granted, grant, updatedAt: now, txId };
    await writeState(ctx, key(ctx, ObjectType.Request, requestId), record);
    if (privacy.budgetRho !== undefined) {
      const account: BudgetAccount = { requestId, datasetId: current.datasetId, requester: current.requester, budgetRho: privacy.budgetRho, spentRho: 0 };
      const budgetKey = key(ctx, ObjectType.Budget, requestId);
      await writeState(ctx, budgetKey, account);
      // Spending the budget (reserveBudget, releaseReservation) needs the owner's peer too.
      await requireOwnerEndorsement(ctx, budgetKey, current.ownerMspId);
    }
    await recordProvenance(ctx, {
      operation: ProvenanceOperation.Grant,
      datasetId: dataset.datasetId,
      datasetVersion: dataset.version,
      sha256: dataset.sha256,
      description: reason ?? `granted request ${requestId}`,
      operator,
      memberId: owner.memberId,
      referenceId: requestId,
    });
    return emitResult(ctx, ChaincodeEvent.AccessGranted, record);
  }

  /** `{ requestId, operator, reason }` → AccessRequestRecord (denied). Dataset owner's MSP only; pending requests only. */
  @Transaction()
  @Returns('string')
  async denyAccess(ctx: Context, request: string): Promise<string> {
    return closeRequest(ctx, request, Closings.deny);
  }

  /** `{ requestId, operator, reason }` → AccessRequestRecord (revoked). Dataset owner's MSP only; granted requests only. */
  @Transaction()
  @Returns('string')
  async revokeAccess(ctx: Context, request: string): Promise<string> {
    return closeRequest(ctx, request, Closings.revoke);
  }

  /**
   * `{ datasetId, requester, columns, statistics }` → AccessCheck: `{ inForce: true, grant }` with the
   * covering request, or `{ inForce: false, code, reason }`. Evaluated at the transaction timestamp.
   */
  @Transaction(false)
  @Returns('string')
  async checkAccess(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['datasetId', 'requester', 'columns', 'statistics']);
    const datasetId = f.id('datasetId');
    const requester = f.id('requester');
    const columns = f.columns('columns', 0);
    const statistics = f.statistics('statistics', 0);

    const dataset = (await readState(ctx, key(ctx, ObjectType.Dataset, datasetId))) as DatasetRecord | undefined;
    if (dataset === undefined) {
      return marshal({ inForce: false, code: ChaincodeErrorCode.DatasetNotFound, reason: `dataset "${datasetId}" does not exist` } satisfies AccessCheck);
    }
    const datasetProblem = datasetRefusal(dataset);
    if (datasetProblem !== undefined) {
      return marshal({ inForce: false, code: datasetProblem.code, reason: datasetProblem.reason } satisfies AccessCheck);
    }

    const nowMs = txTimeMs(ctx);
    const requests = await readRequests(ctx, ObjectType.RequestByDataset, [datasetId, requester]);
    let best: AccessRequestRecord | undefined;
    const refusals: Refusal[] = [];
    for (const candidate of requests) {
      const refusal = grantRefusal(candidate, nowMs, columns, statistics, dataset.version);
      if (refusal !== undefined) {
        refusals.push(refusal);
      } else if (best === undefined || (parseIsoTime(candidate.grant?.expiresAt ?? '') ?? 0) > (parseIsoTime(best.grant?.expiresAt ?? '') ?? 0)) {
        // Several grants in force: answer with the longest-lasting one.
        best = candidate;
      }
    }
    if (best !== undefined) return marshal({ inForce: true, grant: best } satisfies AccessCheck);
    const refusal = mostRelevant(refusals) ?? {
      code: ChaincodeErrorCode.AccessNotGranted,
      reason: `requester "${requester}" has no access request for dataset "${datasetId}"`,
    };
    return marshal({ inForce: false, code: refusal.code, reason: refusal.reason } satisfies AccessCheck);
  }

  /** `{ requestId }` → AccessRequestRecord, or ACCESS.REQUEST_NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async getRequest(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['requestId']);
    return marshal(await loadRequest(ctx, f.id('requestId')));
  }

  /** `{ datasetId }` → AccessRequestRecord[] for the dataset, ordered by requester then requestId. */
  @Transaction(false)
  @Returns('string')
  async listRequestsByDataset(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['datasetId']);
    return marshal(await readRequests(ctx, ObjectType.RequestByDataset, [f.id('datasetId')]));
  }

  /** `{ requester }` → AccessRequestRecord[] of the requester, ordered by requestId. */
  @Transaction(false)
  @Returns('string')
  async listRequestsByRequester(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['requester']);
    return marshal(await readRequests(ctx, ObjectType.RequestByRequester, [f.id('requester')]));
  }
}
