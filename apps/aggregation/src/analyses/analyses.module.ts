import { Module, type Provider } from '@nestjs/common';
import { AccessGate } from './application/access-gate';
import { BudgetReservations } from './application/budget-reservation';
import { RunAnalysisHandler } from './commands/run-analysis/run-analysis.handler';
import { AccessRequestChangedHandler } from './events/access-request-changed.handler';
import { DatasetChangedHandler } from './events/dataset-changed.handler';
import { MemberChangedHandler } from './events/member-changed.handler';
import { TamperDetectedHandler } from './events/tamper-detected.handler';
import { AggregationMessageController } from './infrastructure/aggregation.controller';
import { SvgChartRenderer } from './infrastructure/charts/svg-chart';
import { LedgerClient } from './infrastructure/ledger-client';
import { ProjectionCatchUp } from './infrastructure/projection-catch-up';
import { ProjectionStore } from './infrastructure/projection-store';
import { StorageSites } from './infrastructure/storage-sites';
import { GetAnalysisChartHandler } from './queries/get-analysis-chart/get-analysis-chart.handler';
import { GetAnalysisHandler } from './queries/get-analysis/get-analysis.handler';
import { ListAnalysesHandler } from './queries/list-analyses/list-analyses.handler';

const commandHandlers: Provider[] = [RunAnalysisHandler];
const queryHandlers: Provider[] = [GetAnalysisHandler, ListAnalysesHandler, GetAnalysisChartHandler];
const eventHandlers: Provider[] = [AccessRequestChangedHandler, DatasetChangedHandler, TamperDetectedHandler, MemberChangedHandler];
const application: Provider[] = [AccessGate, BudgetReservations];
const infrastructure: Provider[] = [LedgerClient, StorageSites, ProjectionStore, ProjectionCatchUp, SvgChartRenderer];

/** Analyses: the projection of committed grants, the gate before any summary request, pooling, the on-chain record, charts. */
@Module({
  controllers: [AggregationMessageController],
  providers: [...commandHandlers, ...queryHandlers, ...eventHandlers, ...application, ...infrastructure],
})
export class AnalysesModule {}
