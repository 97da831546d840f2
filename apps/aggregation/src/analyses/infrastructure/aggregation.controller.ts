import { Controller } from '@nestjs/common';
import { AggregationGetAnalysis, AggregationGetAnalysisChart, AggregationListAnalyses, AggregationRunAnalysis, AggregationRunModel, type ActingUser } from '@phdmf/contracts';
import { countAnalysis } from '@phdmf/observability';
import { Correlation } from '@phdmf/logging';
import { HandleRequest } from '@phdmf/messaging';
import { AnalysisRecords } from '../application/analysis-records';
import { RunAnalysisHandler } from '../commands/run-analysis/run-analysis.handler';
import { RunCorrelationHandler } from '../commands/run-correlation/run-correlation.handler';
import { RunGlmHandler } from '../commands/run-glm/run-glm.handler';
import { RunTableHandler } from '../commands/run-table/run-table.handler';
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
    private readonly records: AnalysisRecords,
    private readonly run: RunAnalysisHandler,
    private readonly table: RunTableHandler,
    private readonly correlation: RunCorrelationHandler,
    private readonly glm: RunGlmHandler,
    private readonly get: GetAnalysisHandler,
    private readonly list: ListAnalysesHandler,
    private readonly chart: GetAnalysisChartHandler,
  ) {}

  // A retry (same Idempotency-Key) of an analysis already recorded gets its stored result
  // (AnalysisRecords.replayed). The key binds the edge's path and body, so a summary's key names a
  // summary and a model's a model of that kind: the casts below hold.

  @HandleRequest(AggregationRunAnalysis.CONTRACT)
  async onRun(p: AggregationRunAnalysis.Payload): Promise<AggregationRunAnalysis.Result> {
    const replayed = (await this.records.replayed()) as AggregationRunAnalysis.Result | undefined;
    return replayed ?? countAnalysis(p.datasets.length > 1 ? 'multi-dataset' : 'single-dataset', () => this.run.execute(p, actor()));
  }

  /** One contract for the models, one use case per kind. */
  @HandleRequest(AggregationRunModel.CONTRACT)
  async onRunModel(p: AggregationRunModel.Payload): Promise<AggregationRunModel.Result> {
    const replayed = (await this.records.replayed()) as AggregationRunModel.Result | undefined;
    if (replayed !== undefined) return replayed;
    const handler = p.kind === 'table' ? this.table : p.kind === 'correlation' ? this.correlation : this.glm;
    // Counted with the summaries: one metric of analyses run, by datasets and outcome.
    return countAnalysis(p.datasets.length > 1 ? 'multi-dataset' : 'single-dataset', () => handler.execute(p, actor()));
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
