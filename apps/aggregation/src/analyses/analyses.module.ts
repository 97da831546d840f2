import { Module, type Provider } from '@nestjs/common';
import { AccessGate } from './application/access-gate';
import { BudgetReservations } from './application/budget-reservation';
import { RunAnalysisHandler } from './commands/run-analysis/run-analysis.handler';
import { AggregationMessageController } from './infrastructure/aggregation.controller';
import { SvgChartRenderer } from './infrastructure/charts/svg-chart';
import { LedgerClient } from './infrastructure/ledger-client';
import { StorageSites } from './infrastructure/storage-sites';
import { GetAnalysisChartHandler } from './queries/get-analysis-chart/get-analysis-chart.handler';
import { GetAnalysisHandler } from './queries/get-analysis/get-analysis.handler';
import { ListAnalysesHandler } from './queries/list-analyses/list-analyses.handler';

const commandHandlers: Provider[] = [RunAnalysisHandler];
const queryHandlers: Provider[] = [GetAnalysisHandler, ListAnalysesHandler, GetAnalysisChartHandler];
const application: Provider[] = [AccessGate, BudgetReservations];
const infrastructure: Provider[] = [LedgerClient, StorageSites, SvgChartRenderer];

/** Analyses: the gate before any summary request (the ledger's access check), pooling, the on-chain record, charts. */
@Module({
  controllers: [AggregationMessageController],
  providers: [...commandHandlers, ...queryHandlers, ...application, ...infrastructure],
})
export class AnalysesModule {}
