import { defineQuery } from '../../../lib/contract';
import type { LedgerAccessRequestRecord } from '../../lib/records';
import { IsLedgerId } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.qry.get-access-request.v1';

/** An access request and its decisions; ACCESS.REQUEST_NOT_FOUND if there is none. */
export class Payload {
  @IsLedgerId()
  requestId!: string;
}

export type Result = LedgerAccessRequestRecord;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
