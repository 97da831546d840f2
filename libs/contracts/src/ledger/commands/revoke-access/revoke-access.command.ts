import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import type { LedgerAccessRequestRecord } from '../../lib/records';
import { IsLedgerId, IsLedgerText, LedgerLimits } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.cmd.revoke-access.v1';

/** Revokes a granted access request (`access:revokeAccess`). Dataset owner's organisation only. */
export class Payload {
  @IsLedgerId()
  requestId!: string;

  @IsLedgerId()
  operator!: string;

  @IsLedgerText(LedgerLimits.reason, { multiline: true })
  reason!: string;
}

/** Answered after commit. */
export type Result = LedgerCommitted<LedgerAccessRequestRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
