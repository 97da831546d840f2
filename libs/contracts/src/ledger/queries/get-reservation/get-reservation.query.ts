import { defineQuery } from '../../../lib/contract';
import type { LedgerBudgetReservationRecord } from '../../lib/records';
import { IsLedgerId } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.qry.get-reservation.v1';

/** A dp analysis' budget reservation by analysis id; BUDGET.RESERVATION_NOT_FOUND if none. Storage sites ask it before computing a dp summary. */
export class Payload {
  @IsLedgerId()
  analysisId!: string;
}

export type Result = LedgerBudgetReservationRecord;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
