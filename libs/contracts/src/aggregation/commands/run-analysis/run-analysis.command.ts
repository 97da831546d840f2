import { IsBoolean, IsOptional } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import type { LedgerStatistic } from '../../../ledger/lib/records';
import { IsColumnList, IsStatisticList } from '../../../ledger/lib/validation';
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
}

export type Result = AnalysisResult;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
