import { IsString, Matches } from 'class-validator';
import { defineQuery } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';

export const SUBJECT = 'phdmf.ledger.qry.get-keyed-commit.v1';

/**
 * What a ledger command committed under the request's Idempotency-Key (the Phdmf-Idempotency-Key
 * header of this query, carried from the edge): the first commit's transaction id, block and record,
 * or `{}` when none did (or the query carries no key). A service asks before its own checks of a
 * keyed command, so that a retry after a lost answer gets the first answer instead of a conflict.
 */
export class Payload {
  /** The ledger command's subject, e.g. `phdmf.ledger.cmd.grant-access.v1`. */
  @IsString()
  @Matches(/^phdmf\.ledger\.cmd\.[a-z0-9.-]+\.v[1-9][0-9]*$/, { message: '$property must be a ledger command subject' })
  command!: string;
}

export interface Result {
  commit?: LedgerCommitted<unknown>;
}

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
