import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { AggregationListAnalyses, AggregationRunAnalysis, CHART_GROUPINGS, CHART_STATISTICS, IsLedgerId, OptionalField, type ChartGrouping, type ChartStatistic } from '@phdmf/contracts';

/** The body is the contract's own payload (validated and documented once, in libs/contracts). */
export class RunAnalysisDto extends AggregationRunAnalysis.Payload {}

export class AnalysisIdParam {
  @ApiProperty({ example: 'an-5f0c…' })
  @IsLedgerId()
  analysisId!: string;
}

export class ChartQueryDto {
  @ApiProperty({ enum: CHART_STATISTICS })
  @IsIn(CHART_STATISTICS)
  statistic!: ChartStatistic;

  @ApiPropertyOptional({ enum: CHART_GROUPINGS, description: '`variable` (default): pooled, one bar per variable; `site`: one bar per site within each variable (needs a breakdown)' })
  @OptionalField()
  @IsIn(CHART_GROUPINGS)
  by?: ChartGrouping;
}

/** The list's query: the contract's own payload (limit, cursor and filters; nothing comes from the path or token). */
export class AnalysesQueryDto extends AggregationListAnalyses.Payload {}
