import { IsIn, IsOptional } from 'class-validator';
import { defineQuery } from '../../../lib/contract';
import { IsLedgerId } from '../../../ledger/lib/validation';
import { CHART_GROUPINGS, CHART_STATISTICS, type ChartGrouping, type ChartStatistic } from '../../lib/views';

export const SUBJECT = 'phdmf.aggregation.qry.get-analysis-chart.v1';

/**
 * A chart of an analysis (same access as get-analysis), as SVG: of a summary, a bar chart of one
 * statistic; of a model, its own chart (a table's grouped bars, a correlation matrix's heat map, a
 * GLM's forest plot of coefficients with their intervals), for which `statistic` and `by` are not used.
 */
export class Payload {
  @IsLedgerId()
  analysisId!: string;

  /** Required for a summary analysis (ANALYSIS.CHART_UNAVAILABLE without it). */
  @IsOptional()
  @IsIn(CHART_STATISTICS)
  statistic?: ChartStatistic;

  /** `variable` (default): one bar per variable, pooled. `site`: one bar per site within each variable (needs a breakdown). */
  @IsOptional()
  @IsIn(CHART_GROUPINGS)
  by?: ChartGrouping;
}

export interface Result {
  /** A standalone SVG document; every text in it is escaped. */
  svg: string;
}

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
