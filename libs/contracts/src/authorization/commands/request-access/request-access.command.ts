import { defineCommand } from '../../../lib/contract';
import type { LedgerStatistic } from '../../../ledger/lib/records';
import { IsColumnList, IsIsoTime, IsLedgerId, IsLedgerText, IsStatisticList, LedgerLimits } from '../../../ledger/lib/validation';
import type { AccessRequestView } from '../../lib/views';

export const SUBJECT = 'phdmf.authorization.cmd.request-access.v1';

/**
 * The acting user applies for access to a dataset (a researcher, or a member of another
 * institution). Answered once the request is committed on-chain (status `pending`).
 */
export class Payload {
  @IsLedgerId()
  datasetId!: string;

  @IsLedgerText(LedgerLimits.purpose, { multiline: true })
  purpose!: string;

  @IsColumnList()
  columns!: string[];

  @IsStatisticList()
  statistics!: LedgerStatistic[];

  /** Until when access is asked for; must lie in the future. */
  @IsIsoTime()
  requestedExpiry!: string;
}

export type Result = AccessRequestView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
