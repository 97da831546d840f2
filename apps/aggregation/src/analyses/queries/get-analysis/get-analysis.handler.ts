import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AggregationErrorCode, PhdmfError, requireActor, type ActingUser, type AggregationGetAnalysis, type AnyAnalysisResult } from '@phdmf/contracts';
import { AnalysisPolicy } from '../../domain/actor';
import { Analysis } from '../../domain/analysis';

/** An analysis for its requester or a consortium admin; anyone else is told there is none (ids cannot be probed). */
@Injectable()
export class GetAnalysisHandler {
  constructor(private readonly orm: MikroORM) {}

  async execute(p: AggregationGetAnalysis.Payload, actor: ActingUser | undefined): Promise<AggregationGetAnalysis.Result> {
    return this.readable(p.analysisId, actor);
  }

  /** The result, if the actor may read it (shared with the chart query). */
  async readable(analysisId: string, actor: ActingUser | undefined): Promise<AnyAnalysisResult> {
    const who = requireActor(actor);
    const analysis = await this.orm.em.fork().findOne(Analysis, { analysisId });
    if (!analysis || !AnalysisPolicy.mayRead(who, analysis.requester)) {
      throw new PhdmfError(AggregationErrorCode.NOT_FOUND, 'No such analysis', { analysisId });
    }
    return analysis.toResult();
  }
}
