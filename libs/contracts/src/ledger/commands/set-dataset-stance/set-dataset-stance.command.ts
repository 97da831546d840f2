import { IsIn } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import { LEDGER_DATASET_STANCES, type LedgerDatasetRecord, type LedgerDatasetStance } from '../../lib/records';
import { IsLedgerId } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.cmd.set-dataset-stance.v1';

/**
 * Opens or closes a dataset to access requests (`dataset:setStance`). Owner organisation only; while
 * closed, the chaincode refuses new requests for it (ACCESS.DATASET_CLOSED).
 */
export class Payload {
  @IsLedgerId()
  datasetId!: string;

  @IsIn(LEDGER_DATASET_STANCES)
  stance!: LedgerDatasetStance;

  /** Pseudonymous id of the owner's admin who decided. */
  @IsLedgerId()
  operator!: string;
}

/** Answered after commit: the dataset record (same version) with the new stance. */
export type Result = LedgerCommitted<LedgerDatasetRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
