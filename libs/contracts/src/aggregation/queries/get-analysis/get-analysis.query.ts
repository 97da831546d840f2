import { defineQuery } from '../../../lib/contract';
import { IsLedgerId } from '../../../ledger/lib/validation';
import type { AnyAnalysisResult } from '../../lib/model-views';

export const SUBJECT = 'phdmf.aggregation.qry.get-analysis.v1';

/** One analysis (a summary, or a model: `kind` set): its requester or a consortium admin; anyone else gets ANALYSIS.NOT_FOUND. */
export class Payload {
  @IsLedgerId()
  analysisId!: string;
}

export type Result = AnyAnalysisResult;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
