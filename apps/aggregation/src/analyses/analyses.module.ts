import { Module, type Provider, type Type } from '@nestjs/common';
import { AccessGate } from './application/access-gate';
import { AnalysisRecords } from './application/analysis-records';
import { BudgetReservations } from './application/budget-reservation';
import { ModelAnalyses } from './application/model-analyses';
import { RunAnalysisHandler } from './commands/run-analysis/run-analysis.handler';
import { RunCorrelationHandler } from './commands/run-correlation/run-correlation.handler';
import { RunGlmHandler } from './commands/run-glm/run-glm.handler';
import { RunModelHandler } from './commands/run-model/run-model.handler';
import { RunTableHandler } from './commands/run-table/run-table.handler';
import { SvgChartRenderer } from './infrastructure/charts/svg-chart';
import { LedgerClient } from './infrastructure/ledger-client';
import { StorageSites } from './infrastructure/storage-sites';
import { GetAnalysisChartHandler } from './queries/get-analysis-chart/get-analysis-chart.handler';
import { GetAnalysisHandler } from './queries/get-analysis/get-analysis.handler';
import { ListAnalysesHandler } from './queries/list-analyses/list-analyses.handler';

const commandHandlers: Type[] = [RunAnalysisHandler, RunModelHandler];
const queryHandlers: Type[] = [GetAnalysisHandler, ListAnalysesHandler, GetAnalysisChartHandler];
// Not entries of their own: run-model hands each model to its kind's.
const modelKinds: Provider[] = [RunTableHandler, RunCorrelationHandler, RunGlmHandler];
const application: Provider[] = [AccessGate, BudgetReservations, AnalysisRecords, ModelAnalyses];
const infrastructure: Provider[] = [LedgerClient, StorageSites, SvgChartRenderer];

/** Analyses and models: the gate before any site request (the ledger's access check), pooling, the on-chain record, charts. */
@Module({
  controllers: [...commandHandlers, ...queryHandlers],
  providers: [...modelKinds, ...application, ...infrastructure],
})
export class AnalysesModule {}
