import { Injectable } from '@nestjs/common';
import type { ActingUser, AggregationGetAnalysisChart } from '@phdmf/contracts';
import { chartData } from '../../domain/chart';
import { SvgChartRenderer } from '../../infrastructure/charts/svg-chart';
import { GetAnalysisHandler } from '../get-analysis/get-analysis.handler';

/** A bar chart of one statistic of an analysis, for whoever may read the analysis. */
@Injectable()
export class GetAnalysisChartHandler {
  constructor(
    private readonly analyses: GetAnalysisHandler,
    private readonly renderer: SvgChartRenderer,
  ) {}

  async execute(p: AggregationGetAnalysisChart.Payload, actor: ActingUser | undefined): Promise<AggregationGetAnalysisChart.Result> {
    const result = await this.analyses.readable(p.analysisId, actor);
    return { svg: await this.renderer.render(chartData(result, p.statistic, p.by ?? 'variable')) };
  }
}
