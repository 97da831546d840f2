import { Injectable } from '@nestjs/common';
import { AggregationErrorCode, isModelResult, PhdmfError, type ActingUser, type AggregationGetAnalysisChart } from '@phdmf/contracts';
import { chartData } from '../../domain/chart';
import { modelChart } from '../../domain/model-chart';
import { SvgChartRenderer } from '../../infrastructure/charts/svg-chart';
import { GetAnalysisHandler } from '../get-analysis/get-analysis.handler';

/** A chart of an analysis, for whoever may read it: a summary's bars of one statistic, or a model's own chart. */
@Injectable()
export class GetAnalysisChartHandler {
  constructor(
    private readonly analyses: GetAnalysisHandler,
    private readonly renderer: SvgChartRenderer,
  ) {}

  async execute(p: AggregationGetAnalysisChart.Payload, actor: ActingUser | undefined): Promise<AggregationGetAnalysisChart.Result> {
    const result = await this.analyses.readable(p.analysisId, actor);
    if (isModelResult(result)) return { svg: await this.renderer.renderModel(modelChart(result)) };
    if (p.statistic === undefined) throw new PhdmfError(AggregationErrorCode.CHART_UNAVAILABLE, `analysis ${result.analysisId} is a summary: name the statistic to chart`);
    return { svg: await this.renderer.render(chartData(result, p.statistic, p.by ?? 'variable')) };
  }
}
