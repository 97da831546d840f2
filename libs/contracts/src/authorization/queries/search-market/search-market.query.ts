import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { defineQuery } from '../../../lib/contract';
import { IsLedgerId, IsLedgerText, LedgerLimits } from '../../../ledger/lib/validation';
import type { MarketPage } from '../../lib/views';

export const SUBJECT = 'phdmf.authorization.qry.search-market.v1';

/** Largest page the market answers. */
export const MAX_PAGE_SIZE = 100;

/**
 * The data market: released, not deleted datasets, optionally matching a text (in name or
 * description, case-insensitive), of one owner institution, or having a column; newest release first (then by dataset id), paginated.
 */
export class Payload {
  @IsOptional()
  @IsLedgerText(200)
  q?: string;

  /** Owner institution (member id). */
  @IsOptional()
  @IsLedgerId()
  institution?: string;

  /** A column name the dataset must have (exact). */
  @IsOptional()
  @IsLedgerText(LedgerLimits.columnName)
  column?: string;

  /** 1-based; defaults to 1. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  /** Defaults to 20. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}

export type Result = MarketPage;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
