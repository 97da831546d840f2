import { defineQuery } from '../../../lib/contract';
import { IsLedgerId } from '../../../ledger/lib/validation';
import type { MarketEntry } from '../../lib/views';

export const SUBJECT = 'phdmf.authorization.qry.get-market-entry.v1';

/** One dataset of the market (any status, deleted included), with the caller's permission. */
export class Payload {
  @IsLedgerId()
  datasetId!: string;
}

export type Result = MarketEntry;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
