import { defineQuery } from '../../../lib/contract';
import type { LedgerBlock } from '../../lib/chain';
import { IsIntAtLeast } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.qry.get-block.v1';

/** A block by number; LEDGER.NOT_FOUND beyond the chain's height. */
export class Payload {
  @IsIntAtLeast(0)
  blockNumber!: number;
}

export type Result = LedgerBlock;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
