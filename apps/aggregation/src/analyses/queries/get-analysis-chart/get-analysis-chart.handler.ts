import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AggregationErrorCode, AggregationGetAnalysisChart, isModelResult, PhdmfError, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { AnalysisRecords } from '../../application/analysis-records';
import { chartData } from '../../domain/chart';
import { modelChart } from '../../domain/model-chart';
import { SvgChartRenderer } from '../../infrastructure/charts/svg-chart';

/** A chart of an analysis, for whoever may read it: a summary's bars of one statistic, or a model's own chart. */
@Controller()
export class GetAnalysisChartHandler {
  constructor(
    private readonly records: AnalysisRecords,
    private readonly renderer: SvgChartRenderer,
  ) {}

  @HandleRequest(AggregationGetAnalysisChart.CONTRACT)
  async execute(@Payload() p: AggregationGetAnalysisChart.Payload, @Actor() actor: ActingUser | undefined): Promise<AggregationGetAnalysisChart.Result> {
    const result = await this.records.readable(p.analysisId, actor);
    if (isModelResult(result)) return { svg: await this.renderer.renderModel(modelChart(result)) };
    if (p.statistic === undefined) throw new PhdmfError(AggregationErrorCode.CHART_UNAVAILABLE, `analysis ${result.analysisId} is a summary: name the statistic to chart`);
    return { svg: await this.renderer.render(chartData(result, p.statistic, p.by ?? 'variable')) };
  }
}
