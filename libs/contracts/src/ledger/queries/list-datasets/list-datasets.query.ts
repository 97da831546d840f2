import { IsOptional } from 'class-validator';
import { defineQuery } from '../../../lib/contract';
import type { LedgerDatasetRecord } from '../../lib/records';
import { IsLedgerId } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.qry.list-datasets.v1';

/** Every dataset's current record (any status), optionally of one owner, ordered by dataset id. */
export class Payload {
  @IsOptional()
  @IsLedgerId()
  ownerMemberId?: string;
}

export interface Result {
  datasets: LedgerDatasetRecord[];
}

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
