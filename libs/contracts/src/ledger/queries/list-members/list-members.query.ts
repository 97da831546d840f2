import { defineQuery } from '../../../lib/contract';
import type { LedgerMemberRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.ledger.qry.list-members.v1';

/** Every member and rejected application, ordered by member id. */
export class Payload {}

export interface Result {
  members: LedgerMemberRecord[];
}

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
