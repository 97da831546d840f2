import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import { RefusalDecisionFields } from '../../lib/access-decisions';
import type { LedgerAccessRequestRecord } from '../../lib/records';
import { IsLedgerId } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.cmd.revoke-access.v1';

/** Revokes a granted access request (`access:revokeAccess`). Dataset owner's organisation only. */
export class Payload extends RefusalDecisionFields {
  /** Pseudonymous id of the reviewer. */
  @IsLedgerId()
  operator!: string;
}

/** Answered after commit. */
export type Result = LedgerCommitted<LedgerAccessRequestRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
