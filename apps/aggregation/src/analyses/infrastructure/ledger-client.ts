import { Injectable } from '@nestjs/common';
import {
  LedgerCheckAccess,
  LedgerGetAnalysis,
  LedgerGetDataset,
  LedgerGetTransaction,
  LedgerGetMember,
  LedgerRecordAnalysis,
  LedgerGetReservation,
  LedgerReleaseReservation,
  LedgerReserveBudget,
  serviceActor,
} from '@phdmf/contracts';
import { firstKeyedCommit, MessageBus, withoutIdempotencyKey, type ActorHeader } from '@phdmf/messaging';
import { AggregationConfig } from '../../config';

/**
 * The service's only way to the ledger: the ledger service's queries and its record-analysis
 * command, all sent as the aggregation service itself. The `service` role makes the ledger sign
 * with the governing MSP, the only one the chaincode lets record an analysis.
 */
@Injectable()
export class LedgerClient {
  static readonly ACTOR: ActorHeader = serviceActor('aggregation');

  constructor(
    private readonly bus: MessageBus,
    private readonly config: AggregationConfig,
  ) {}

  checkAccess(p: LedgerCheckAccess.Payload): Promise<LedgerCheckAccess.Result> {
    return this.bus.request(LedgerCheckAccess.CONTRACT, p, { actor: LedgerClient.ACTOR });
  }

  getDataset(datasetId: string): Promise<LedgerGetDataset.Result> {
    return this.bus.request(LedgerGetDataset.CONTRACT, { datasetId }, { actor: LedgerClient.ACTOR });
  }

  getMember(memberId: string): Promise<LedgerGetMember.Result> {
    return this.bus.request(LedgerGetMember.CONTRACT, { memberId }, { actor: LedgerClient.ACTOR });
  }

  /** The analysis's on-chain record, if the ledger holds one (AUDIT.ANALYSIS_NOT_FOUND otherwise). */
  getAnalysis(analysisId: string): Promise<LedgerGetAnalysis.Result> {
    return this.bus.request(LedgerGetAnalysis.CONTRACT, { analysisId }, { actor: LedgerClient.ACTOR });
  }

  getTransaction(txId: string): Promise<LedgerGetTransaction.Result> {
    return this.bus.request(LedgerGetTransaction.CONTRACT, { txId }, { actor: LedgerClient.ACTOR });
  }

  /** Answered after commit, with the transaction id and block. */
  recordAnalysis(p: LedgerRecordAnalysis.Payload): Promise<LedgerRecordAnalysis.Result> {
    return this.bus.request(LedgerRecordAnalysis.CONTRACT, p, { actor: LedgerClient.ACTOR, timeoutMs: this.config.LEDGER_COMMAND_TIMEOUT_MS });
  }

  /**
   * Reserves a dp analysis' privacy cost on its grants; answered after commit. The ledger service
   * re-simulates a reservation that lost an MVCC race itself, so this sees the chaincode's verdict
   * (committed, or BUDGET.EXHAUSTED), never a conflict. Not keyed: a step, which a retry takes anew.
   */
  reserveBudget(p: LedgerReserveBudget.Payload): Promise<LedgerReserveBudget.Result> {
    return withoutIdempotencyKey(() => this.bus.request(LedgerReserveBudget.CONTRACT, p, { actor: LedgerClient.ACTOR, timeoutMs: this.config.LEDGER_COMMAND_TIMEOUT_MS }));
  }

  /** Gives back a reservation no site computed for (not keyed, as the reservation). */
  releaseReservation(p: LedgerReleaseReservation.Payload): Promise<LedgerReleaseReservation.Result> {
    return withoutIdempotencyKey(() => this.bus.request(LedgerReleaseReservation.CONTRACT, p, { actor: LedgerClient.ACTOR, timeoutMs: this.config.LEDGER_COMMAND_TIMEOUT_MS }));
  }

  /** What this analysis request (its Idempotency-Key) already recorded on-chain, if it is a retry of one that did. */
  firstRecord(): Promise<LedgerRecordAnalysis.Result | undefined> {
    return firstKeyedCommit(this.bus, LedgerRecordAnalysis.CONTRACT);
  }

  /** A reservation by analysis id (BUDGET.RESERVATION_NOT_FOUND otherwise). */
  getReservation(analysisId: string): Promise<LedgerGetReservation.Result> {
    return this.bus.request(LedgerGetReservation.CONTRACT, { analysisId }, { actor: LedgerClient.ACTOR });
  }
}
