import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import type { LedgerDatasetRecord } from '../../lib/records';
import { DatasetVersionFields } from '../../lib/dataset-version';

export const SUBJECT = 'phdmf.ledger.cmd.update-dataset.v1';

/** Records a new version of a dataset (`dataset:updateDataset`). Owner organisation only; clears a tamper finding. */
export class Payload extends DatasetVersionFields {}

/** Answered after commit. */
export type Result = LedgerCommitted<LedgerDatasetRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
