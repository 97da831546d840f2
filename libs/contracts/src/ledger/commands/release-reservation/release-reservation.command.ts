import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import type { LedgerBudgetReservationRecord } from '../../lib/records';
import { IsLedgerId, IsLedgerText, LedgerLimits } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.cmd.release-reservation.v1';

/**
 * Gives back a reservation for which no site computed (`budget:releaseReservation`), refunding each
 * grant; BUDGET.RESERVATION_CLOSED once released or used by a recorded analysis. Governing MSP only.
 */
export class Payload {
  @IsLedgerId()
  analysisId!: string;

  @IsLedgerText(LedgerLimits.reason, { multiline: true })
  reason!: string;
}

/** Answered after commit. */
export type Result = LedgerCommitted<LedgerBudgetReservationRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
