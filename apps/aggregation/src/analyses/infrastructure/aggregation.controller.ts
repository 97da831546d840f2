import { Controller } from '@nestjs/common';
import { AggregationGetAnalysis, AggregationGetAnalysisChart, AggregationListAnalyses, AggregationRunAnalysis, type ActingUser } from '@phdmf/contracts';
import { countAnalysis } from '@phdmf/observability';
import { Correlation } from '@phdmf/logging';
import { HandleRequest } from '@phdmf/messaging';
import { RunAnalysisHandler } from '../commands/run-analysis/run-analysis.handler';
import { GetAnalysisChartHandler } from '../queries/get-analysis-chart/get-analysis-chart.handler';
import { GetAnalysisHandler } from '../queries/get-analysis/get-analysis.handler';
import { ListAnalysesHandler } from '../queries/list-analyses/list-analyses.handler';

function actor(): ActingUser | undefined {
  return Correlation.current()?.actor;
}

/** The aggregation service's NATS edge: each contract to its handler, the actor taken from the headers. */
@Controller()
export class AggregationMessageController {
  constructor(
    private readonly run: RunAnalysisHandler,
    private readonly get: GetAnalysisHandler,
    private readonly list: ListAnalysesHandler,
    private readonly chart: GetAnalysisChartHandler,
  ) {}

  @HandleRequest(AggregationRunAnalysis.CONTRACT)
  onRun(p: AggregationRunAnalysis.Payload) {
    return countAnalysis(p.datasets.length > 1 ? 'multi-dataset' : 'single-dataset', () => this.run.execute(p, actor()));
  }

  @HandleRequest(AggregationGetAnalysis.CONTRACT)
  onGet(p: AggregationGetAnalysis.Payload) {
    return this.get.execute(p, actor());
  }

  @HandleRequest(AggregationListAnalyses.CONTRACT)
  onList(p: AggregationListAnalyses.Payload) {
    return this.list.execute(p, actor());
  }

  @HandleRequest(AggregationGetAnalysisChart.CONTRACT)
  onChart(p: AggregationGetAnalysisChart.Payload) {
    return this.chart.execute(p, actor());
  }
}
