import { IsOptional } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import type { LedgerStatistic } from '../../../ledger/lib/records';
import { IsColumnList, IsIsoTime, IsLedgerId, IsLedgerText, IsStatisticList, LedgerLimits } from '../../../ledger/lib/validation';
import type { AccessRequestView } from '../../lib/views';

export const SUBJECT = 'phdmf.authorization.cmd.grant-access.v1';

/**
 * The owner institution's staff grant a pending request, possibly narrowing it (fewer columns or
 * statistics, an earlier expiry). Signed as their own organisation; answered once committed.
 */
export class Payload {
  @IsLedgerId()
  requestId!: string;

  @IsOptional()
  @IsColumnList()
  columns?: string[];

  @IsOptional()
  @IsStatisticList()
  statistics?: LedgerStatistic[];

  @IsOptional()
  @IsIsoTime()
  expiresAt?: string;

  @IsOptional()
  @IsLedgerText(LedgerLimits.reason, { multiline: true })
  reason?: string;
}

export type Result = AccessRequestView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
