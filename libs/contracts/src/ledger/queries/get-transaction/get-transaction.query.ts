import { IsString, Matches } from 'class-validator';
import { defineQuery } from '../../../lib/contract';
import type { LedgerTransaction } from '../../lib/chain';

export const SUBJECT = 'phdmf.ledger.qry.get-transaction.v1';

/** A transaction by id (valid or not) with its block and position; LEDGER.NOT_FOUND if unknown. */
export class Payload {
  @IsString()
  @Matches(/^[0-9a-zA-Z._-]{1,128}$/, { message: '$property must be a transaction id' })
  txId!: string;
}

export type Result = LedgerTransaction;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
