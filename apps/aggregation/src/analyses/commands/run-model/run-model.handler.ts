import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AggregationRunModel, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { AnalysisRecords } from '../../application/analysis-records';
import { RunCorrelationHandler } from '../run-correlation/run-correlation.handler';
import { RunGlmHandler } from '../run-glm/run-glm.handler';
import { RunTableHandler } from '../run-table/run-table.handler';

/**
 * One contract for the models, one use case per kind: each request goes to the kind's handler (a
 * provider, not an entry of its own). A retry (same Idempotency-Key) of a model already recorded
 * gets its stored result.
 */
@Controller()
export class RunModelHandler {
  constructor(
    private readonly records: AnalysisRecords,
    private readonly table: RunTableHandler,
    private readonly correlation: RunCorrelationHandler,
    private readonly glm: RunGlmHandler,
  ) {}

  @HandleRequest(AggregationRunModel.CONTRACT)
  execute(@Payload() p: AggregationRunModel.Payload, @Actor() actor: ActingUser | undefined): Promise<AggregationRunModel.Result> {
    const handler = p.kind === 'table' ? this.table : p.kind === 'correlation' ? this.correlation : this.glm;
    return this.records.replayOrRun(p.datasets, () => handler.execute(p, actor));
  }
}
