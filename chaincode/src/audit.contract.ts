import { Context, Returns, Transaction } from 'fabric-contract-api';
import { loadReservation } from './budget.contract';
import { ChaincodeError, ChaincodeErrorCode } from './errors';
import { KeyedContract } from './keyed-commits';
import { ChaincodeEvent, emitResult } from './events';
import { datasetRefusal, grantRefusal } from './grants';
import { key, ObjectType } from './keys';
import { findMemberByMsp, loadDataset, loadRequest, recordProvenance, requireActiveCaller, requireGovernor } from './lookups';
import { marshal } from './marshal';
import { ContractName } from './names';
import {
  DatasetStatus,
  MODEL_KINDS,
  ProvenanceOperation,
  ReservationStatus,
  type AnalysisGrant,
  type BudgetReservationRecord,
  type AnalysisRecord,
  type DatasetRecord,
  type Statistic,
  type TamperFindingRecord,
} from './records';
import { callerMsp, readByPartialKey, readState, txTime, txTimeMs, writeState } from './state';
import { Fields, Limits } from './validation';

/**
 * The reservation a dp analysis names (`reservationTxId`), checked: a dp grant needs one, and it must
 * be the reserved (not released, not used) reservation of this analysis and requester, charged to
 * exactly the analysis' dp grants. Undefined for an analysis without dp grants and without a name.
 */
async function usedReservation(
  ctx: Context,
  analysisId: string,
  requester: string,
  reservationTxId: string | undefined,
  grants: readonly { grant: AnalysisGrant; dp: boolean }[],
): Promise<BudgetReservationRecord | undefined> {
  const dpGrants = grants.filter((g) => g.dp).map((g) => g.grant.requestId).sort();
  if (reservationTxId === undefined) {
    if (dpGrants.length === 0) return undefined;
    throw new ChaincodeError(ChaincodeErrorCode.BudgetReservationMismatch, `analysis "${analysisId}" uses dp grants (${dpGrants.join(', ')}) and must name its budget reservation ("reservationTxId")`);
  }
  const reservation = await loadReservation(ctx, analysisId);
  if (reservation.txId !== reservationTxId) {
    throw new ChaincodeError(ChaincodeErrorCode.BudgetReservationMismatch, `the reservation of analysis "${analysisId}" was made by transaction ${reservation.txId}, not ${reservationTxId}`);
  }
  if (reservation.status !== ReservationStatus.Reserved) {
    throw new ChaincodeError(ChaincodeErrorCode.BudgetReservationClosed, `the reservation of analysis "${analysisId}" is ${reservation.status}`);
  }
  const reserved = reservation.grants.map((g) => g.requestId).sort();
  if (reservation.requester !== requester || JSON.stringify(reserved) !== JSON.stringify(dpGrants)) {
    throw new ChaincodeError(
      ChaincodeErrorCode.BudgetReservationMismatch,
      `the reservation of analysis "${analysisId}" is for requester "${reservation.requester}" and grants ${reserved.join(', ')}; the analysis is by "${requester}" with dp grants ${dpGrants.join(', ') || 'none'}`,
    );
  }
  return reservation;
}

/**
 * A model (a table, a correlation matrix, a GLM) is one analysis with that one statistic; only a GLM
 * has iterations, and it always has them.
 */
function modelShapeProblem(statistics: readonly Statistic[], iterations: number | undefined): void {
  const models = statistics.filter((s) => (MODEL_KINDS as readonly string[]).includes(s));
  if (models.length > 0 && statistics.length > 1) {
    throw new ChaincodeError(ChaincodeErrorCode.InputInvalid, `"statistics": a model (${models.join(', ')}) is recorded as an analysis' only statistic`);
  }
  if ((iterations !== undefined) !== (statistics[0] === 'glm' && statistics.length === 1)) {
    throw new ChaincodeError(ChaincodeErrorCode.InputInvalid, '"iterations" is recorded with a GLM, and only with one');
  }
}

/** Analyses (who used which grants over which dataset hashes) and tamper findings. */
export class AuditContract extends KeyedContract {
  constructor() {
    super(ContractName.Audit);
  }

  /**
   * `{ analysisId, requester, grants: [{ requestId, datasetId, sha256 }], statistics, columns, resultHash, reservationTxId? }`
   * → AnalysisRecord. Governor MSP only. Every grant must be in force and in scope for the requester, and
   * every hash must equal the dataset's current on-chain hash. An analysis with dp grants names its
   * budget reservation, which becomes `used` (no longer releasable).
   */
  @Transaction()
  @Returns('string')
  async recordAnalysis(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['analysisId', 'requester', 'grants', 'statistics', 'columns', 'resultHash', 'reservationTxId', 'iterations']);
    const analysisId = f.id('analysisId');
    const requester = f.id('requester');
    const grantFields = f.objects('grants', ['requestId', 'datasetId', 'sha256'], 1, Limits.grants);
    const grantsAsked = grantFields.map((g) => ({ requestId: g.id('requestId'), datasetId: g.id('datasetId'), sha256: g.sha256('sha256') }));
    const statistics = f.statistics('statistics');
    const columns = f.columns('columns', 0);
    const resultHash = f.sha256('resultHash');
    const reservationTxId = f.optionalId('reservationTxId');
    const iterations = f.optionalInteger('iterations', 0);
    modelShapeProblem(statistics, iterations);
    const seenDatasets = new Set<string>();
    const seenRequests = new Set<string>();
    grantsAsked.forEach((g, index) => {
      if (seenDatasets.has(g.datasetId)) throw new ChaincodeError(ChaincodeErrorCode.InputInvalid, `"grants[${index}].datasetId" repeats dataset "${g.datasetId}"`);
      if (seenRequests.has(g.requestId)) throw new ChaincodeError(ChaincodeErrorCode.InputInvalid, `"grants[${index}].requestId" repeats request "${g.requestId}"`);
      seenDatasets.add(g.datasetId);
      seenRequests.add(g.requestId);
    });

    await requireGovernor(ctx);
    const analysisKey = key(ctx, ObjectType.Analysis, analysisId);
    if ((await readState(ctx, analysisKey)) !== undefined) {
      throw new ChaincodeError(ChaincodeErrorCode.AuditAnalysisAlreadyExists, `analysis "${analysisId}" is already recorded`);
    }

    const nowMs = txTimeMs(ctx);
    const checked: { grant: AnalysisGrant; dataset: DatasetRecord; dp: boolean }[] = [];
    for (const asked of grantsAsked) {
      const grantRequest = await loadRequest(ctx, asked.requestId);
      if (grantRequest.datasetId !== asked.datasetId) {
        throw new ChaincodeError(
          ChaincodeErrorCode.AccessNotGranted,
          `request "${asked.requestId}" is for dataset "${grantRequest.datasetId}", not "${asked.datasetId}"`,
        );
      }
      if (grantRequest.requester !== requester) {
        throw new ChaincodeError(ChaincodeErrorCode.AccessNotGranted, `request "${asked.requestId}" was not made by requester "${requester}"`);
      }
      const dataset = await loadDataset(ctx, asked.datasetId);
      const refusal = datasetRefusal(dataset) ?? grantRefusal(grantRequest, nowMs, columns, statistics, dataset.version);
      if (refusal !== undefined) throw new ChaincodeError(refusal.code, refusal.reason);
      if (asked.sha256 !== dataset.sha256) {
        throw new ChaincodeError(
          ChaincodeErrorCode.DatasetHashMismatch,
          `the analysed hash of dataset "${asked.datasetId}" is ${asked.sha256}, the on-chain hash (version ${dataset.version}) is ${dataset.sha256}`,
        );
      }
      checked.push({ grant: { ...asked, datasetVersion: dataset.version }, dataset, dp: grantRequest.grant?.privacyMode === 'dp' });
    }
    const reservation = await usedReservation(ctx, analysisId, requester, reservationTxId, checked);

    const record: AnalysisRecord = {
      analysisId,
      requester,
      grants: checked.map((c) => c.grant),
      statistics,
      columns,
      resultHash,
      reservationTxId,
      ...(iterations === undefined ? {} : { iterations }),
      recordedByMspId: callerMsp(ctx),
      recordedAt: txTime(ctx),
      txId: ctx.stub.getTxID(),
    };
    await writeState(ctx, analysisKey, record);
    if (reservation !== undefined) {
      await writeState(ctx, key(ctx, ObjectType.Reservation, analysisId), { ...reservation, status: ReservationStatus.Used } satisfies BudgetReservationRecord);
    }
    const recorder = await findMemberByMsp(ctx, callerMsp(ctx));
    for (const { dataset } of checked) {
      await recordProvenance(ctx, {
        operation: ProvenanceOperation.Analysis,
        datasetId: dataset.datasetId,
        datasetVersion: dataset.version,
        sha256: dataset.sha256,
        description: `analysis ${analysisId}: ${statistics.join(', ')} over ${columns.length > 0 ? columns.join(', ') : 'no columns'}; result ${resultHash}`,
        operator: requester,
        memberId: recorder?.memberId,
        referenceId: analysisId,
      });
    }
    return emitResult(ctx, ChaincodeEvent.AnalysisRecorded, record);
  }

  /**
   * `{ findingId, datasetId, expectedSha256, foundSha256, nodeId }` → TamperFindingRecord. Dataset owner's
   * MSP only. Marks the dataset tampered until the owner records a new version.
   */
  @Transaction()
  @Returns('string')
  async recordTamperFinding(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['findingId', 'datasetId', 'expectedSha256', 'foundSha256', 'nodeId']);
    const findingId = f.id('findingId');
    const datasetId = f.id('datasetId');
    const expectedSha256 = f.sha256('expectedSha256');
    const foundSha256 = f.sha256('foundSha256');
    const nodeId = f.id('nodeId');
    if (foundSha256 === expectedSha256) {
      throw new ChaincodeError(ChaincodeErrorCode.InputInvalid, '"foundSha256" equals "expectedSha256": that is not a tamper finding');
    }

    const dataset = await loadDataset(ctx, datasetId);
    const msp = callerMsp(ctx);
    if (msp !== dataset.ownerMspId) {
      throw new ChaincodeError(ChaincodeErrorCode.DatasetNotOwner, `dataset "${datasetId}" belongs to MSP "${dataset.ownerMspId}", not "${msp}"`);
    }
    const owner = await requireActiveCaller(ctx);
    if (dataset.status === DatasetStatus.Deleted) {
      throw new ChaincodeError(ChaincodeErrorCode.DatasetDeleted, `dataset "${datasetId}" was deleted`);
    }
    const findingKey = key(ctx, ObjectType.Finding, datasetId, findingId);
    if ((await readState(ctx, findingKey)) !== undefined) {
      throw new ChaincodeError(ChaincodeErrorCode.AuditFindingAlreadyExists, `finding "${findingId}" of dataset "${datasetId}" is already recorded`);
    }
    if (expectedSha256 !== dataset.sha256) {
      throw new ChaincodeError(
        ChaincodeErrorCode.DatasetHashMismatch,
        `"expectedSha256" ${expectedSha256} is not the on-chain hash ${dataset.sha256} of dataset "${datasetId}" (version ${dataset.version})`,
      );
    }

    const now = txTime(ctx);
    const txId = ctx.stub.getTxID();
    const finding: TamperFindingRecord = {
      findingId,
      datasetId,
      datasetVersion: dataset.version,
      expectedSha256,
      foundSha256,
      nodeId,
      ownerMemberId: owner.memberId,
      mspId: msp,
      detectedAt: now,
      txId,
    };
    const tampered: DatasetRecord = { ...dataset, status: DatasetStatus.Tampered, tamperFindingId: findingId, updatedAt: now, txId };
    await writeState(ctx, findingKey, finding);
    await writeState(ctx, key(ctx, ObjectType.Dataset, datasetId), tampered);
    await recordProvenance(ctx, {
      operation: ProvenanceOperation.Tamper,
      datasetId,
      datasetVersion: dataset.version,
      sha256: dataset.sha256,
      description: `node ${nodeId} found hash ${foundSha256}`,
      operator: nodeId,
      memberId: owner.memberId,
      referenceId: findingId,
    });
    return emitResult(ctx, ChaincodeEvent.TamperDetected, finding);
  }

  /** `{ analysisId }` → AnalysisRecord, or AUDIT.ANALYSIS_NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async getAnalysis(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['analysisId']);
    const analysisId = f.id('analysisId');
    const record = (await readState(ctx, key(ctx, ObjectType.Analysis, analysisId))) as AnalysisRecord | undefined;
    if (record === undefined) throw new ChaincodeError(ChaincodeErrorCode.AuditAnalysisNotFound, `analysis "${analysisId}" does not exist`);
    return marshal(record);
  }

  /** `{ datasetId }` → TamperFindingRecord[] of the dataset, ordered by findingId. */
  @Transaction(false)
  @Returns('string')
  async listFindings(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['datasetId']);
    const datasetId = f.id('datasetId');
    await loadDataset(ctx, datasetId);
    return marshal(await readByPartialKey(ctx, ObjectType.Finding, [datasetId]));
  }
}
