import { defineQuery } from '../../../lib/contract';
import type { LedgerBudgetView } from '../../lib/records';
import { IsLedgerId } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.qry.get-budget.v1';

/** A dp grant's budget: ρ granted, spent and left, and every spend with its transaction id; BUDGET.NOT_DP for a controlled grant. */
export class Payload {
  @IsLedgerId()
  requestId!: string;
}

export type Result = LedgerBudgetView;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
