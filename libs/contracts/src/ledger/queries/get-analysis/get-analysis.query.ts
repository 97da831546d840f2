import { defineQuery } from '../../../lib/contract';
import type { LedgerAnalysisRecord } from '../../lib/records';
import { IsLedgerId } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.qry.get-analysis.v1';

/**
 * An analysis's on-chain record; AUDIT.ANALYSIS_NOT_FOUND if there is none. The aggregation service
 * asks it when a record's answer was lost, to tell a committed analysis from one that never was.
 */
export class Payload {
  @IsLedgerId()
  analysisId!: string;
}

export type Result = LedgerAnalysisRecord;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
