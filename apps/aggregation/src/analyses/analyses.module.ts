import { Module, type Provider } from '@nestjs/common';
import { AccessGate } from './application/access-gate';
import { AnalysisRecords } from './application/analysis-records';
import { BudgetReservations } from './application/budget-reservation';
import { ModelAnalyses } from './application/model-analyses';
import { RunAnalysisHandler } from './commands/run-analysis/run-analysis.handler';
import { RunCorrelationHandler } from './commands/run-correlation/run-correlation.handler';
import { RunGlmHandler } from './commands/run-glm/run-glm.handler';
import { RunTableHandler } from './commands/run-table/run-table.handler';
import { AggregationMessageController } from './infrastructure/aggregation.controller';
import { SvgChartRenderer } from './infrastructure/charts/svg-chart';
import { LedgerClient } from './infrastructure/ledger-client';
import { StorageSites } from './infrastructure/storage-sites';
import { GetAnalysisChartHandler } from './queries/get-analysis-chart/get-analysis-chart.handler';
import { GetAnalysisHandler } from './queries/get-analysis/get-analysis.handler';
import { ListAnalysesHandler } from './queries/list-analyses/list-analyses.handler';

const commandHandlers: Provider[] = [RunAnalysisHandler, RunTableHandler, RunCorrelationHandler, RunGlmHandler];
const queryHandlers: Provider[] = [GetAnalysisHandler, ListAnalysesHandler, GetAnalysisChartHandler];
const application: Provider[] = [AccessGate, BudgetReservations, AnalysisRecords, ModelAnalyses];
const infrastructure: Provider[] = [LedgerClient, StorageSites, SvgChartRenderer];

/** Analyses and models: the gate before any site request (the ledger's access check), pooling, the on-chain record, charts. */
@Module({
  controllers: [AggregationMessageController],
  providers: [...commandHandlers, ...queryHandlers, ...application, ...infrastructure],
})
export class AnalysesModule {}
