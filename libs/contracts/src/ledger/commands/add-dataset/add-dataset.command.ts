import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import type { LedgerDatasetRecord } from '../../lib/records';
import { DatasetVersionFields } from '../../lib/dataset-version';

export const SUBJECT = 'phdmf.ledger.cmd.add-dataset.v1';

/** Records the release of a dataset (`dataset:addDataset`); the acting user's organisation becomes its owner. */
export class Payload extends DatasetVersionFields {}

/** Answered after commit. */
export type Result = LedgerCommitted<LedgerDatasetRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
