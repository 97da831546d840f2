import { IsOptional } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import type { LedgerAccessRequestRecord, LedgerPrivacyMode, LedgerStatistic } from '../../lib/records';
import { IsBudgetRho, IsColumnList, IsIsoTime, IsLedgerId, IsLedgerText, IsPrivacyMode, IsStatisticList, LedgerLimits } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.cmd.request-access.v1';

/** Records a researcher's access request (`access:requestAccess`), from an active member's organisation or the governor (a service acting for the researcher). */
export class Payload {
  @IsLedgerId()
  requestId!: string;

  @IsLedgerId()
  datasetId!: string;

  /** Pseudonymous id of the researcher. */
  @IsLedgerId()
  requester!: string;

  @IsOptional()
  @IsLedgerId()
  requesterOrg?: string;

  @IsLedgerText(LedgerLimits.purpose, { multiline: true })
  purpose!: string;

  @IsColumnList()
  columns!: string[];

  @IsStatisticList()
  statistics!: LedgerStatistic[];

  /** Must lie after the transaction time. */
  @IsIsoTime()
  requestedExpiry!: string;

  /** The researcher's proposal; the owner decides at grant time. */
  @IsOptional()
  @IsPrivacyMode()
  privacyMode?: LedgerPrivacyMode;

  @IsOptional()
  @IsBudgetRho()
  budgetRho?: number;
}

/** Answered after commit. */
export type Result = LedgerCommitted<LedgerAccessRequestRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
