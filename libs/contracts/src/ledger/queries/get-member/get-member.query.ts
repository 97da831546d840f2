import { defineQuery } from '../../../lib/contract';
import type { LedgerMemberRecord } from '../../lib/records';
import { IsLedgerId } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.qry.get-member.v1';

/** A member by id (`consortium:getMember`); MEMBER.NOT_FOUND if there is none. */
export class Payload {
  @IsLedgerId()
  memberId!: string;
}

export type Result = LedgerMemberRecord;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
