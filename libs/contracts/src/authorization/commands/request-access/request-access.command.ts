import { defineCommand } from '../../../lib/contract';
import { IsOptional } from 'class-validator';
import type { LedgerPrivacyMode, LedgerStatistic } from '../../../ledger/lib/records';
import { IsBudgetRho, IsColumnList, IsIsoTime, IsLedgerId, IsLedgerText, IsPrivacyMode, IsStatisticList, LedgerLimits } from '../../../ledger/lib/validation';
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

  /** The privacy mode proposed (`dp` with `budgetRho`); the owner decides at grant time. */
  @IsOptional()
  @IsPrivacyMode()
  privacyMode?: LedgerPrivacyMode;

  @IsOptional()
  @IsBudgetRho()
  budgetRho?: number;
}

export type Result = AccessRequestView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
