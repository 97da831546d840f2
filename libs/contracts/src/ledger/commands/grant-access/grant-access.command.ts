import { IsOptional } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import type { LedgerAccessRequestRecord, LedgerStatistic } from '../../lib/records';
import { IsColumnList, IsIsoTime, IsLedgerId, IsLedgerText, IsStatisticList, LedgerLimits } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.cmd.grant-access.v1';

/** Grants an access request (`access:grantAccess`), possibly narrowing its scope. Only the dataset owner's organisation may. */
export class Payload {
  @IsLedgerId()
  requestId!: string;

  /** Pseudonymous id of the reviewer. */
  @IsLedgerId()
  operator!: string;

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
}

/** Answered after commit. */
export type Result = LedgerCommitted<LedgerAccessRequestRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
