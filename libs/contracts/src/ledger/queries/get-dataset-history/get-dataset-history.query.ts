import { defineQuery } from '../../../lib/contract';
import type { LedgerDatasetRecord } from '../../lib/records';
import { IsLedgerId } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.qry.get-dataset-history.v1';

/** Every record a dataset had (versions, deletion, tamper marks), oldest first, with the block of each. */
export class Payload {
  @IsLedgerId()
  datasetId!: string;
}

/** One record of the dataset as one transaction wrote it. */
export interface Entry {
  txId: string;
  /** From the ledger's transaction index: the chaincode cannot know it. */
  blockNumber: number;
  timestamp: string;
  record: LedgerDatasetRecord;
}

export interface Result {
  datasetId: string;
  entries: Entry[];
}

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
