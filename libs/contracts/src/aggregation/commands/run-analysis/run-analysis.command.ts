import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import { OptionalField } from '../../../lib/optional';
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
  @ApiProperty({ description: 'Dataset ids (from the data market); each needs your committed grant in force' })
  @IsDatasetIdList()
  datasets!: string[];

  @ApiProperty({ description: 'Columns to summarize; every grant must cover them' })
  @IsColumnList(1)
  columns!: string[];

  @ApiProperty({ description: 'Statistics to release; the sites are also asked for the count (and the mean with variance/SD), so grants must cover those too' })
  @IsStatisticList(1)
  statistics!: LedgerStatistic[];

  /** Also release each site's columns (under the pool's threshold). */
  @ApiProperty({ description: 'Also release each site\'s columns (under the pool\'s threshold)' })
  @OptionalField()
  @IsBoolean()
  breakdown?: boolean;

  /** A node that fails or times out leaves its dataset out (result `partial`) instead of failing the analysis. */
  @ApiProperty({ description: 'A node that fails or times out is left out (status `partial`, named in `datasets`) instead of failing the analysis' })
  @OptionalField()
  @IsBoolean()
  allowPartial?: boolean;
}

export type Result = AnalysisResult;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
