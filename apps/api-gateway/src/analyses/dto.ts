import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsNumber, IsPositive, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { AggregationRunAnalysis, CHART_GROUPINGS, CHART_STATISTICS, LEDGER_ID_PATTERN, LEDGER_STATISTICS, LedgerLimits, OptionalField, SafeText, StorageSummarize, type ChartGrouping, type ChartStatistic, type LedgerStatistic } from '@phdmf/contracts';

export class HistogramDto {
  @ApiProperty({ description: 'A column among `columns`' })
  @IsString()
  @Length(1, LedgerLimits.columnName)
  @SafeText()
  column!: string;

  @ApiProperty({ type: [Number], description: 'Bin edges, strictly increasing: bins [e0,e1), …, [e(n-1),en]', minItems: 2, maxItems: StorageSummarize.SummaryLimits.histogramEdges })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(StorageSummarize.SummaryLimits.histogramEdges)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  edges!: number[];
}

export class RunAnalysisDto {
  @ApiProperty({ type: [String], description: 'Dataset ids (from the data market); each needs your committed grant in force', minItems: 1, maxItems: LedgerLimits.grants })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LedgerLimits.grants)
  @ArrayUnique()
  @Matches(LEDGER_ID_PATTERN, { each: true, message: 'each dataset id must be a ledger id' })
  datasets!: string[];

  @ApiProperty({ type: [String], description: 'Columns to summarize; every grant must cover them', minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LedgerLimits.columns)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, LedgerLimits.columnName, { each: true })
  @SafeText({ each: true })
  columns!: string[];

  @ApiProperty({ enum: LEDGER_STATISTICS, isArray: true, description: 'Statistics to release; the sites are also asked for the count (and the mean with variance/SD), so grants must cover those too' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(LEDGER_STATISTICS, { each: true })
  statistics!: LedgerStatistic[];

  @ApiPropertyOptional({ type: [Number], description: 'Quantile probabilities (with `quantiles`); sites release only those inside their band (default 5%–95%)' })
  @OptionalField()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(StorageSummarize.SummaryLimits.probabilities)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  @Min(0, { each: true })
  @Max(1, { each: true })
  probabilities?: number[];

  @ApiPropertyOptional({ type: [HistogramDto], description: 'Bin edges per column (with `histogram`)' })
  @OptionalField()
  @IsArray()
  @ArrayMaxSize(LedgerLimits.columns)
  @ValidateNested({ each: true })
  @Type(() => HistogramDto)
  histograms?: HistogramDto[];

  @ApiPropertyOptional({ description: 'Also release each site\'s columns (under the pool\'s threshold)' })
  @OptionalField()
  @IsBoolean()
  breakdown?: boolean;

  @ApiPropertyOptional({ description: 'A node that fails or times out is left out (status `partial`, named in `datasets`) instead of failing the analysis' })
  @OptionalField()
  @IsBoolean()
  allowPartial?: boolean;

  @ApiPropertyOptional({
    minimum: 0,
    exclusiveMinimum: true,
    maximum: LedgerLimits.budgetRho,
    default: AggregationRunAnalysis.DEFAULT_ANALYSIS_RHO,
    description: 'dp grants: the zCDP ρ this analysis spends on each grant, reserved on-chain before any site is asked (409 BUDGET.EXHAUSTED when a budget has less left). Ignored for controlled grants',
  })
  @OptionalField()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(LedgerLimits.budgetRho)
  rho?: number;
}

export class AnalysisIdParam {
  @ApiProperty({ example: 'an-5f0c…' })
  @IsString()
  @Matches(LEDGER_ID_PATTERN)
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
