import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import { GrantDecisionFields } from '../../lib/access-decisions';
import type { LedgerAccessRequestRecord } from '../../lib/records';
import { IsLedgerId } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.cmd.grant-access.v1';

/** Grants an access request (`access:grantAccess`), possibly narrowing its scope. Only the dataset owner's organisation may. */
export class Payload extends GrantDecisionFields {
  /** Pseudonymous id of the reviewer. */
  @IsLedgerId()
  operator!: string;
}

/** Answered after commit. */
export type Result = LedgerCommitted<LedgerAccessRequestRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
