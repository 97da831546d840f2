import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { AggregationListAnalyses, AggregationRunAnalysis, AggregationRunModel, CHART_GROUPINGS, CHART_STATISTICS, IsLedgerId, OptionalField, type ChartGrouping, type ChartStatistic } from '@phdmf/contracts';

/** The body is the contract's own payload (validated and documented once, in libs/contracts). */
export class RunAnalysisDto extends AggregationRunAnalysis.Payload {}

/** A model's body is the contract's own payload too. */
export class RunModelDto extends AggregationRunModel.Payload {}

export class AnalysisIdParam {
  @ApiProperty({ example: 'an-5f0c…' })
  @IsLedgerId()
  analysisId!: string;
}

export class ChartQueryDto {
  @ApiPropertyOptional({ enum: CHART_STATISTICS, description: 'The statistic of a summary analysis\'s bars (required for a summary: 400 ANALYSIS.CHART_UNAVAILABLE without it); unused for a model' })
  @OptionalField()
  @IsIn(CHART_STATISTICS)
  statistic?: ChartStatistic;

  @ApiPropertyOptional({ enum: CHART_GROUPINGS, description: '`variable` (default): pooled, one bar per variable; `site`: one bar per site within each variable (needs a breakdown); `stratum`: one bar per level within each variable (needs a stratum)' })
  @OptionalField()
  @IsIn(CHART_GROUPINGS)
  by?: ChartGrouping;
}

/** The list's query: the contract's own payload (limit, cursor and filters; nothing comes from the path or token). */
export class AnalysesQueryDto extends AggregationListAnalyses.Payload {}
