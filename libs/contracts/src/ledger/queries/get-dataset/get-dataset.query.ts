import { defineQuery } from '../../../lib/contract';
import type { LedgerDatasetRecord } from '../../lib/records';
import { IsLedgerId } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.qry.get-dataset.v1';

/** A dataset's current record, any status; DATASET.NOT_FOUND if there is none. */
export class Payload {
  @IsLedgerId()
  datasetId!: string;
}

export type Result = LedgerDatasetRecord;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
