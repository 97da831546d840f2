import { defineQuery } from '../../../lib/contract';
import { IsLedgerId } from '../../../ledger/lib/validation';
import type { UserView } from '../../lib/views';

export const SUBJECT = 'phdmf.accounts.qry.list-users.v1';

/** The users of one institution: its own institution admin, or a consortium admin. */
export class Payload {
  @IsLedgerId()
  organisationId!: string;
}

export interface Result {
  users: UserView[];
}

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
