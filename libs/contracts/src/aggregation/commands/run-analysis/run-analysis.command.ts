import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, ValidateNested } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import { OptionalField } from '../../../lib/optional';
import type { LedgerStatistic } from '../../../ledger/lib/records';
import { IsBudgetRho, IsColumnList, IsSummaryStatisticList } from '../../../ledger/lib/validation';
import { IsModelTree, StratumRequest, type FilterTree } from '../../../storage/queries/model/model.query';
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
  @IsSummaryStatisticList(1)
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

  /**
   * The zCDP ρ this analysis spends on each dp grant it uses (default {@link DEFAULT_ANALYSIS_RHO});
   * split equally over the noisy quantities it releases. Ignored for controlled grants.
   */
  @ApiProperty({
    default: 0.1,
    description: 'dp grants: the zCDP ρ this analysis spends on each grant, reserved on-chain before any site is asked (409 BUDGET.EXHAUSTED when a budget has less left). Ignored for controlled grants',
  })
  @OptionalField()
  @IsBudgetRho()
  rho?: number;

  /** A subset: every statistic is over the records it selects (issue 16); each site refuses a subset, or its complement, below its threshold. */
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'A subset, as for models: leaves { "column", "op", "value" }, nodes { "and" | "or": [...] }, { "not": ... }. Each grant must cover the columns it reads. Not with dp grants',
  })
  @OptionalField()
  @IsModelTree('parseFilter')
  filter?: FilterTree;

  /** A stratum: each of its levels (within the subset) gets the statistics too, in `strata`. */
  @ApiPropertyOptional({ type: StratumRequest, description: 'A categorical column, or a numeric column with a declared grid: each level gets the statistics too (`strata`); a level a site would isolate below its threshold is left out there. Not with dp grants' })
  @OptionalField()
  @ValidateNested()
  @Type(() => StratumRequest)
  stratum?: StratumRequest;
}

/**
 * ρ of a dp analysis that does not state one: 0.1 per grant, so a budget of 1 admits ten analyses,
 * and the mean of a few hundred records on a 0–300 grid comes with noise of a unit or two.
 */
export const DEFAULT_ANALYSIS_RHO = 0.1;

export type Result = AnalysisResult;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
