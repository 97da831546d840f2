import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import type { LedgerBudgetReservationRecord, LedgerPlannedQuantity, LedgerStatistic } from '../../lib/records';
import { IsLedgerId, IsPlannedQuantityList, IsStatisticList, LedgerLimits } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.cmd.reserve-budget.v1';

/** What one dp grant is charged: the planned noisy quantities and their ρ. */
export class ReservationGrantInput {
  @IsLedgerId()
  requestId!: string;

  @IsLedgerId()
  datasetId!: string;

  @IsPlannedQuantityList()
  quantities!: LedgerPlannedQuantity[];
}

/**
 * Reserves a dp analysis' privacy cost on each of its dp grants in one transaction
 * (`budget:reserveBudget`); BUDGET.EXHAUSTED if any grant's budget would be exceeded (nothing is
 * reserved). Governing MSP only (the aggregation service). Concurrent reservations on one budget
 * are serialised by MVCC; the ledger service re-simulates the losers, so callers never see a conflict.
 */
export class Payload {
  /** The analysis id: the reservation's id. */
  @IsLedgerId()
  analysisId!: string;

  @IsLedgerId()
  requester!: string;

  @IsStatisticList()
  statistics!: LedgerStatistic[];

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LedgerLimits.grants)
  @ValidateNested({ each: true })
  @Type(() => ReservationGrantInput)
  grants!: ReservationGrantInput[];
}

/** Answered after commit. */
export type Result = LedgerCommitted<LedgerBudgetReservationRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
