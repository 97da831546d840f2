import { defineQuery } from '../../../lib/contract';
import type { LedgerAccessCheck, LedgerStatistic } from '../../lib/records';
import { IsColumnList, IsLedgerId, IsStatisticList } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.qry.check-access.v1';

/** Whether a grant is in force now for a requester's use of a dataset's columns and statistics (`access:checkAccess`). */
export class Payload {
  @IsLedgerId()
  datasetId!: string;

  @IsLedgerId()
  requester!: string;

  @IsColumnList(0)
  columns!: string[];

  @IsStatisticList(0)
  statistics!: LedgerStatistic[];
}

export type Result = LedgerAccessCheck;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
