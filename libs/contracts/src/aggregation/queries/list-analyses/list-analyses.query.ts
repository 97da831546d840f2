import { defineQuery } from '../../../lib/contract';
import type { AnalysisSummary } from '../../lib/views';

export const SUBJECT = 'phdmf.aggregation.qry.list-analyses.v1';

/** The acting user's own analyses, newest first. */
export class Payload {}

export interface Result {
  items: AnalysisSummary[];
}

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
