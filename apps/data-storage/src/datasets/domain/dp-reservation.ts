// A site's own check, under a dp grant, that what it is asked to compute is exactly what was paid
// for on-chain: the committed reservation of this analysis names this requester, grant, dataset and
// version, and the noisy quantities the request needs (recomputed here with the aggregation's own
// planner, so the two cannot differ). Without it the site computes nothing.
import { LedgerChaincodeErrorCode, PhdmfError, StorageErrorCode, type LedgerBudgetReservationRecord, type LedgerColumnGrid, type StorageSummarize } from '@phdmf/contracts';
import { planDpRelease, type DpPlannedQuantity } from '@phdmf/statistics';

/** Per column asked: its declared grid and the quantities to release with the ρ the reservation paid. */
export interface DpColumnPlan {
  column: string;
  grid: LedgerColumnGrid;
  planned: DpPlannedQuantity[];
}

function mismatch(reason: string): PhdmfError {
  return new PhdmfError(LedgerChaincodeErrorCode.BudgetReservationMismatch, reason);
}

/** Refuses what a dp grant cannot answer before anything is read (min and max; no reservation named). */
export function refuseDpRequest(request: StorageSummarize.Payload): void {
  const extremes = request.statistics.filter((s) => s === 'min' || s === 'max');
  if (extremes.length > 0) {
    throw new PhdmfError(StorageErrorCode.DP_STATISTIC_UNAVAILABLE, `${extremes.join(', ')} cannot be released under differential privacy (an extreme value is one record's)`);
  }
  if (request.reservationTxId === undefined) throw mismatch('the grant is in the dp privacy mode: a summary needs a committed budget reservation ("reservationTxId")');
}

/**
 * The columns' release plans, if `reservation` pays for exactly this request; otherwise
 * BUDGET.RESERVATION_MISMATCH (or BUDGET.RESERVATION_CLOSED for a released or used one).
 */
export function plansFromReservation(
  request: StorageSummarize.Payload,
  reservation: LedgerBudgetReservationRecord,
  expected: { requestId: string; datasetId: string; datasetVersion: number; grids: ReadonlyMap<string, LedgerColumnGrid> },
): DpColumnPlan[] {
  if (reservation.txId !== request.reservationTxId) throw mismatch(`the reservation of analysis "${request.analysisId}" is transaction ${reservation.txId}, not ${request.reservationTxId ?? 'none'}`);
  if (reservation.status !== 'reserved') {
    throw new PhdmfError(LedgerChaincodeErrorCode.BudgetReservationClosed, `the reservation of analysis "${request.analysisId}" is ${reservation.status}: nothing may be computed for it`);
  }
  if (reservation.requester !== request.requester) throw mismatch(`the reservation of analysis "${request.analysisId}" is not the requester's`);
  const charge = reservation.grants.find((g) => g.requestId === expected.requestId && g.datasetId === expected.datasetId);
  if (charge === undefined) throw mismatch(`the reservation of analysis "${request.analysisId}" charges no budget of this grant on dataset "${expected.datasetId}"`);
  if (charge.datasetVersion !== expected.datasetVersion) throw mismatch(`the reservation was made for version ${charge.datasetVersion} of the dataset, this node holds version ${expected.datasetVersion}`);

  const plan = planDpRelease({ columns: request.columns, statistics: request.statistics, ...(request.histograms ? { histograms: request.histograms } : {}), rho: charge.rho });
  if (!plan.ok) throw new PhdmfError(StorageErrorCode.DP_STATISTIC_UNAVAILABLE, plan.refusal.reason);
  const key = (q: { column: string; quantity: string }): string => JSON.stringify([q.column, q.quantity]);
  const paid = new Map(charge.quantities.map((q) => [key(q), q]));
  const asked = plan.items.map(key);
  if (asked.length !== paid.size || asked.some((k) => !paid.has(k))) {
    const list = (keys: Iterable<string>): string => [...keys].map((k) => (JSON.parse(k) as string[]).join(' ')).join(', ');
    throw mismatch(`the reservation pays for ${list(paid.keys())}; this request needs ${list(asked)}`);
  }
  return request.columns.map((column) => {
    const grid = expected.grids.get(column);
    if (grid === undefined) throw new PhdmfError(StorageErrorCode.DP_NO_GRID, `column "${column}" has no declared grid to calibrate noise to; dp needs bounds and a bin width`);
    const planned = charge.quantities.filter((q) => q.column === column).map((q) => ({ quantity: q.quantity, rho: q.rho }));
    return { column, grid, planned };
  });
}
