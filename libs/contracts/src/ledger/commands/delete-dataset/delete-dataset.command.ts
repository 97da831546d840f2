import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import type { LedgerDatasetRecord } from '../../lib/records';
import { IsIntAtLeast, IsLedgerId, IsLedgerText, LedgerLimits } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.cmd.delete-dataset.v1';

/** Records the deletion of a dataset (`dataset:deleteDataset`). Owner organisation only. */
export class Payload {
  @IsLedgerId()
  datasetId!: string;

  /** Greater than the on-chain version. */
  @IsIntAtLeast(1)
  version!: number;

  @IsLedgerId()
  operator!: string;

  @IsLedgerText(LedgerLimits.description, { min: 0, multiline: true })
  description!: string;
}

/** Answered after commit. */
export type Result = LedgerCommitted<LedgerDatasetRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
