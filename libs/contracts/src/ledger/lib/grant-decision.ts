import { IsBoolean, IsOptional } from 'class-validator';
import type { LedgerPrivacyMode, LedgerStatistic } from './records';
import { IsBudgetRho, IsColumnList, IsIsoTime, IsLedgerId, IsLedgerText, IsPrivacyMode, IsStatisticList, LedgerLimits } from './validation';

/**
 * What an owner's grant says, as `access:grantAccess` takes it: the request and, optionally, a
 * narrower scope and a note. The authorization service's command and the ledger's share it, so
 * both edges validate a grant alike; the ledger's adds the reviewer (`operator`).
 */
export abstract class GrantDecisionFields {
  @IsLedgerId()
  requestId!: string;

  /** Defaults to the requested columns; may only narrow them. */
  @IsOptional()
  @IsColumnList()
  columns?: string[];

  /** Defaults to the requested statistics; may only narrow them. */
  @IsOptional()
  @IsStatisticList()
  statistics?: LedgerStatistic[];

  /** Defaults to the requested expiry; may only be earlier. */
  @IsOptional()
  @IsIsoTime()
  expiresAt?: string;

  @IsOptional()
  @IsLedgerText(LedgerLimits.reason, { multiline: true })
  reason?: string;

  /**
   * The owner's explicit choice that the grant covers later versions of the dataset too. Absent or
   * false: it covers only the version current when granted, and a later one needs a new grant.
   */
  @IsOptional()
  @IsBoolean()
  followsUpdates?: boolean;

  /** The owner's choice of protection; defaults to what the researcher proposed, else `controlled`. */
  @IsOptional()
  @IsPrivacyMode()
  privacyMode?: LedgerPrivacyMode;

  /** The zCDP budget ρ of a `dp` grant (defaults to the proposed one); at most the consortium's maximum. */
  @IsOptional()
  @IsBudgetRho()
  budgetRho?: number;
}
