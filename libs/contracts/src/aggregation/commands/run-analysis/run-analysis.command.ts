import { IsBoolean, IsOptional } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import type { LedgerStatistic } from '../../../ledger/lib/records';
import { IsBudgetRho, IsColumnList, IsStatisticList } from '../../../ledger/lib/validation';
import { SummaryOptions } from '../../../storage/queries/summarize/summarize.query';
import type { AnalysisResult } from '../../lib/views';
import { IsDatasetIdList } from '../../lib/validation';

export const SUBJECT = 'phdmf.aggregation.cmd.run-analysis.v1';

/**
 * Pooled statistics over several datasets, for the acting user (the requester). Refused, before
 * any summary request leaves the service, unless each dataset has a committed grant of the
 * requester in force covering the columns and statistics; answered after the analysis is
 * recorded on-chain. Quantile probabilities and histogram edges come from {@link SummaryOptions}.
 */
export class Payload extends SummaryOptions {
  @IsDatasetIdList()
  datasets!: string[];

  @IsColumnList(1)
  columns!: string[];

  @IsStatisticList(1)
  statistics!: LedgerStatistic[];

  /** Also release each site's columns (under the pool's threshold). */
  @IsOptional()
  @IsBoolean()
  breakdown?: boolean;

  /** A node that fails or times out leaves its dataset out (result `partial`) instead of failing the analysis. */
  @IsOptional()
  @IsBoolean()
  allowPartial?: boolean;

  /**
   * The zCDP ρ this analysis spends on each dp grant it uses (default {@link DEFAULT_ANALYSIS_RHO});
   * split equally over the noisy quantities it releases. Ignored for controlled grants.
   */
  @IsOptional()
  @IsBudgetRho()
  rho?: number;
}

/**
 * ρ of a dp analysis that does not state one: 0.1 per grant, so a budget of 1 admits ten analyses,
 * and the mean of a few hundred records on a 0–300 grid comes with noise of a unit or two.
 */
export const DEFAULT_ANALYSIS_RHO = 0.1;

export type Result = AnalysisResult;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
