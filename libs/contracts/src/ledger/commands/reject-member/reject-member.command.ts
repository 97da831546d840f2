import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import type { LedgerMemberRecord } from '../../lib/records';
import { IsLedgerId, IsLedgerText, LedgerLimits } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.cmd.reject-member.v1';

/** Records the rejection of a membership application (`consortium:rejectMember`). Governing MSP only. */
export class Payload {
  @IsLedgerId()
  memberId!: string;

  @IsLedgerText(LedgerLimits.name)
  name!: string;

  @IsLedgerId()
  mspId!: string;

  @IsLedgerText(LedgerLimits.reason, { multiline: true })
  reason!: string;
}

/** Answered after commit. */
export type Result = LedgerCommitted<LedgerMemberRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
