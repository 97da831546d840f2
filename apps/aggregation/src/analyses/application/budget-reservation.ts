// The dp side of an analysis: plan what is released, reserve its cost on the ledger before any site
// is asked, and give the reservation back when no site computed. Kept apart from the access gate:
// the gate decides whether a dataset may be asked at all, this decides what asking it costs.
import { Inject, Injectable } from '@nestjs/common';
import {
  AggregationErrorCode,
  AggregationRunAnalysis,
  isAmbiguous,
  ledgerUnavailable,
  PhdmfError,
  type AnalysisRequestView,
  type LedgerPlannedQuantity,
  type LedgerStatistic,
} from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { DpRefusalCode, planDpRelease } from '@phdmf/statistics';
import { LOGGER } from '../../aggregation.tokens';
import { LedgerClient } from '../infrastructure/ledger-client';
import type { ClearedDataset } from './access-gate';

/** A committed reservation: what each dp site is asked to release, and the transaction that paid. */
export interface DpReservation {
  rho: number;
  quantities: LedgerPlannedQuantity[];
  reservationTxId: string;
}

const RESERVE_AGAIN = 'no budget was reserved; run the analysis again';

@Injectable()
export class BudgetReservations {
  constructor(
    private readonly ledger: LedgerClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Undefined for an analysis on controlled grants only. For dp grants: the plan (min and max are
   * refused, a mix of modes too), reserved on every grant in one ledger transaction; a spent budget
   * comes back as the chaincode's BUDGET.EXHAUSTED. Nothing has been sent to any site yet.
   */
  async reserve(
    analysisId: string,
    requester: string,
    cleared: readonly ClearedDataset[],
    request: AnalysisRequestView,
    siteStatistics: LedgerStatistic[],
    rho: number = AggregationRunAnalysis.DEFAULT_ANALYSIS_RHO,
  ): Promise<DpReservation | undefined> {
    const dp = cleared.filter((d) => d.privacyMode === 'dp');
    if (dp.length === 0) return undefined;
    if (dp.length !== cleared.length) {
      const modes = cleared.map((d) => `${d.datasetId}: ${d.privacyMode}`).join(', ');
      throw new PhdmfError(AggregationErrorCode.MIXED_PRIVACY_MODES, `the datasets' grants mix privacy modes (${modes}); analyse dp and controlled datasets separately`);
    }
    const plan = planDpRelease({ columns: request.columns, statistics: siteStatistics, ...(request.histograms ? { histograms: request.histograms } : {}), rho });
    if (!plan.ok) {
      const code = plan.refusal.code === DpRefusalCode.STATISTIC_UNAVAILABLE ? AggregationErrorCode.DP_STATISTIC_UNAVAILABLE : AggregationErrorCode.REQUEST_INVALID;
      throw new PhdmfError(code, plan.refusal.reason, plan.refusal.statistics ? { statistics: plan.refusal.statistics } : undefined);
    }
    const quantities = plan.items.map((i) => ({ column: i.column, quantity: i.quantity, rho: i.rho }));
    const payload = { analysisId, requester, statistics: siteStatistics, grants: dp.map((d) => ({ requestId: d.grantRequestId, datasetId: d.datasetId, quantities })) };
    try {
      const committed = await this.ledger.reserveBudget(payload);
      return { rho, quantities, reservationTxId: committed.txId };
    } catch (error) {
      if (!isAmbiguous(error)) throw ledgerUnavailable(error, RESERVE_AGAIN);
      // The reservation may have committed without its answer: the chain says.
      const found = await this.ledger.getReservation(analysisId).catch(() => undefined);
      if (found?.status === 'reserved') return { rho, quantities, reservationTxId: found.txId };
      throw ledgerUnavailable(error, RESERVE_AGAIN);
    }
  }

  /** Gives a reservation back (no site computed for it); a failure is logged, the analysis' own error stands. */
  async release(analysisId: string, reason: string): Promise<void> {
    try {
      await this.ledger.releaseReservation({ analysisId, reason });
    } catch (error) {
      this.logger.warn({ err: error, analysisId }, 'could not release the budget reservation; it stays spent');
    }
  }
}
