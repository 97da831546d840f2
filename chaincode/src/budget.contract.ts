import { Context, Returns, Transaction } from 'fabric-contract-api';
import { fitsBudget, leftOf } from './budget';
import { ChaincodeError, ChaincodeErrorCode } from './errors';
import { KeyedContract } from './keyed-commits';
import { ChaincodeEvent, emitResult } from './events';
import { datasetRefusal, grantRefusal } from './grants';
import { key, ObjectType } from './keys';
import { findMemberByMsp, loadDataset, loadRequest, recordProvenance, requireGovernor } from './lookups';
import { marshal } from './marshal';
import { ContractName } from './names';
import {
  ProvenanceOperation,
  ReservationStatus,
  type BudgetAccount,
  type BudgetReservationRecord,
  type BudgetSpend,
  type BudgetView,
  type DatasetRecord,
  type ReservationGrant,
} from './records';
import { callerMsp, readByPartialKey, readState, txTime, txTimeMs, writeState } from './state';
import { Fields, Limits } from './validation';

/** The budget account of a dp grant, or BUDGET.NOT_DP. */
export async function loadAccount(ctx: Context, requestId: string): Promise<BudgetAccount> {
  const account = (await readState(ctx, key(ctx, ObjectType.Budget, requestId))) as BudgetAccount | undefined;
  if (account === undefined) throw new ChaincodeError(ChaincodeErrorCode.BudgetNotDp, `the grant of request "${requestId}" is not in the dp privacy mode: it has no budget`);
  return account;
}

/** A reservation by analysis id, or BUDGET.RESERVATION_NOT_FOUND. */
export async function loadReservation(ctx: Context, analysisId: string): Promise<BudgetReservationRecord> {
  const reservation = (await readState(ctx, key(ctx, ObjectType.Reservation, analysisId))) as BudgetReservationRecord | undefined;
  if (reservation === undefined) throw new ChaincodeError(ChaincodeErrorCode.BudgetReservationNotFound, `no budget reservation for analysis "${analysisId}"`);
  return reservation;
}

function sumRho(values: readonly { rho: number }[]): number {
  return values.reduce((total, v) => total + v.rho, 0);
}

/**
 * The privacy-budget accountant of dp grants. An analysis reserves its cost on every dp grant in one
 * transaction before any site computes; the reservation reads and writes each grant's account key,
 * so two reservations racing for the last of a budget conflict under MVCC and only one commits (the
 * ledger service re-simulates the other, which then meets the spent budget).
 */
export class BudgetContract extends KeyedContract {
  constructor() {
    super(ContractName.Budget);
  }

  /**
   * `{ analysisId, requester, statistics, grants: [{ requestId, datasetId, quantities: [{ column, quantity, rho }] }] }`
   * → BudgetReservationRecord (reserved). Governor MSP only. Every grant must be in force for the
   * requester over the quantities' columns and the statistics, and in dp mode; if any grant's spent ρ
   * plus this analysis' cost would exceed its budget, BUDGET.EXHAUSTED and nothing is written.
   */
  @Transaction()
  @Returns('string')
  async reserveBudget(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['analysisId', 'requester', 'statistics', 'grants']);
    const analysisId = f.id('analysisId');
    const requester = f.id('requester');
    const statistics = f.statistics('statistics');
    const asked = f.objects('grants', ['requestId', 'datasetId', 'quantities'], 1, Limits.grants).map((g) => ({
      requestId: g.id('requestId'),
      datasetId: g.id('datasetId'),
      quantities: g.plannedQuantities('quantities'),
    }));
    const seen = new Set<string>();
    asked.forEach((g, index) => {
      for (const id of [`d:${g.datasetId}`, `r:${g.requestId}`]) {
        if (seen.has(id)) throw new ChaincodeError(ChaincodeErrorCode.InputInvalid, `"grants[${index}]" repeats ${id.startsWith('d') ? 'dataset' : 'request'} "${id.slice(2)}"`);
        seen.add(id);
      }
    });

    await requireGovernor(ctx);
    const reservationKey = key(ctx, ObjectType.Reservation, analysisId);
    if ((await readState(ctx, reservationKey)) !== undefined) {
      throw new ChaincodeError(ChaincodeErrorCode.BudgetReservationAlreadyExists, `analysis "${analysisId}" already has a budget reservation`);
    }

    const nowMs = txTimeMs(ctx);
    const charged: { grant: ReservationGrant; account: BudgetAccount; dataset: DatasetRecord }[] = [];
    for (const g of asked) {
      const grantRequest = await loadRequest(ctx, g.requestId);
      if (grantRequest.datasetId !== g.datasetId || grantRequest.requester !== requester) {
        throw new ChaincodeError(ChaincodeErrorCode.AccessNotGranted, `request "${g.requestId}" is not a request of "${requester}" for dataset "${g.datasetId}"`);
      }
      const dataset = await loadDataset(ctx, g.datasetId);
      const columns = [...new Set(g.quantities.map((q) => q.column))];
      const refusal = datasetRefusal(dataset) ?? grantRefusal(grantRequest, nowMs, columns, statistics, dataset.version);
      if (refusal !== undefined) throw new ChaincodeError(refusal.code, refusal.reason);
      if (grantRequest.grant?.privacyMode !== 'dp') {
        throw new ChaincodeError(ChaincodeErrorCode.BudgetNotDp, `the grant of request "${g.requestId}" is not in the dp privacy mode: it has no budget`);
      }
      const account = await loadAccount(ctx, g.requestId);
      const rho = sumRho(g.quantities);
      if (!fitsBudget(account, rho)) {
        throw new ChaincodeError(
          ChaincodeErrorCode.BudgetExhausted,
          `the grant of request "${g.requestId}" has ρ ${leftOf(account)} left of its budget ${account.budgetRho}; this analysis needs ${rho}`,
        );
      }
      charged.push({ grant: { requestId: g.requestId, datasetId: g.datasetId, datasetVersion: dataset.version, quantities: g.quantities, rho }, account, dataset });
    }

    const record: BudgetReservationRecord = {
      analysisId,
      requester,
      grants: charged.map((c) => c.grant),
      status: ReservationStatus.Reserved,
      reservedAt: txTime(ctx),
      txId: ctx.stub.getTxID(),
    };
    const recorder = await findMemberByMsp(ctx, callerMsp(ctx));
    for (const { grant, account, dataset } of charged) {
      await writeState(ctx, key(ctx, ObjectType.Budget, grant.requestId), { ...account, spentRho: account.spentRho + grant.rho } satisfies BudgetAccount);
      await writeState(ctx, key(ctx, ObjectType.ReservationByGrant, grant.requestId, analysisId), analysisId);
      await recordProvenance(ctx, {
        operation: ProvenanceOperation.Budget,
        datasetId: dataset.datasetId,
        datasetVersion: dataset.version,
        sha256: dataset.sha256,
        description: `analysis ${analysisId} reserved ρ ${grant.rho} of grant ${grant.requestId} (${account.spentRho + grant.rho} of ${account.budgetRho} spent)`,
        operator: requester,
        memberId: recorder?.memberId,
        referenceId: analysisId,
      });
    }
    await writeState(ctx, reservationKey, record);
    return emitResult(ctx, ChaincodeEvent.BudgetReserved, record);
  }

  /**
   * `{ analysisId, reason }` → BudgetReservationRecord (released). Governor MSP only: the aggregator
   * gives back a reservation for which no site computed (none was asked, or all refused before
   * computing); each grant is refunded. A released or used reservation is BUDGET.RESERVATION_CLOSED.
   */
  @Transaction()
  @Returns('string')
  async releaseReservation(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['analysisId', 'reason']);
    const analysisId = f.id('analysisId');
    const reason = f.text('reason', { max: Limits.reason, multiline: true });

    await requireGovernor(ctx);
    const reservation = await loadReservation(ctx, analysisId);
    if (reservation.status !== ReservationStatus.Reserved) {
      throw new ChaincodeError(ChaincodeErrorCode.BudgetReservationClosed, `the reservation of analysis "${analysisId}" is ${reservation.status}; only a reserved one is released`);
    }
    const recorder = await findMemberByMsp(ctx, callerMsp(ctx));
    for (const grant of reservation.grants) {
      const account = await loadAccount(ctx, grant.requestId);
      const spentRho = Math.max(0, account.spentRho - grant.rho);
      await writeState(ctx, key(ctx, ObjectType.Budget, grant.requestId), { ...account, spentRho } satisfies BudgetAccount);
      const dataset = await loadDataset(ctx, grant.datasetId);
      await recordProvenance(ctx, {
        operation: ProvenanceOperation.Budget,
        datasetId: dataset.datasetId,
        datasetVersion: dataset.version,
        sha256: dataset.sha256,
        description: `analysis ${analysisId} released its ρ ${grant.rho} of grant ${grant.requestId} (${spentRho} of ${account.budgetRho} spent): ${reason}`,
        operator: reservation.requester,
        memberId: recorder?.memberId,
        referenceId: analysisId,
      });
    }
    const released: BudgetReservationRecord = {
      ...reservation,
      status: ReservationStatus.Released,
      release: { reason, releasedAt: txTime(ctx), txId: ctx.stub.getTxID() },
    };
    await writeState(ctx, key(ctx, ObjectType.Reservation, analysisId), released);
    return emitResult(ctx, ChaincodeEvent.ReservationReleased, released);
  }

  /** `{ analysisId }` → BudgetReservationRecord, or BUDGET.RESERVATION_NOT_FOUND. Sites ask it before computing. */
  @Transaction(false)
  @Returns('string')
  async getReservation(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['analysisId']);
    return marshal(await loadReservation(ctx, f.id('analysisId')));
  }

  /**
   * `{ requestId }` → BudgetView: the dp grant's budget, spent and left, and every spend (reservation
   * not released) with its transaction id, in analysis id order. BUDGET.NOT_DP for other grants.
   */
  @Transaction(false)
  @Returns('string')
  async getBudget(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['requestId']);
    const requestId = f.id('requestId');
    const account = await loadAccount(ctx, requestId);
    const analysisIds = (await readByPartialKey(ctx, ObjectType.ReservationByGrant, [requestId])) as string[];
    const spends: BudgetSpend[] = [];
    for (const analysisId of analysisIds) {
      const reservation = await loadReservation(ctx, analysisId);
      const charge = reservation.grants.find((g) => g.requestId === requestId);
      if (reservation.status === ReservationStatus.Released || charge === undefined) continue;
      spends.push({ analysisId, rho: charge.rho, reservedAt: reservation.reservedAt, txId: reservation.txId });
    }
    const view: BudgetView = {
      requestId,
      datasetId: account.datasetId,
      requester: account.requester,
      budgetRho: account.budgetRho,
      spentRho: account.spentRho,
      leftRho: leftOf(account),
      spends,
    };
    return marshal(view);
  }
}
