import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AggregationGetAnalysis, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { AnalysisRecords } from '../../application/analysis-records';

/** An analysis for its requester or a consortium admin; anyone else is told there is none (ids cannot be probed). */
@Controller()
export class GetAnalysisHandler {
  constructor(private readonly records: AnalysisRecords) {}

  @HandleRequest(AggregationGetAnalysis.CONTRACT)
  execute(@Payload() p: AggregationGetAnalysis.Payload, @Actor() actor: ActingUser | undefined): Promise<AggregationGetAnalysis.Result> {
    return this.records.readable(p.analysisId, actor);
  }
}
