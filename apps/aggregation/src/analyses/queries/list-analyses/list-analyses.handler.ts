import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { requireActor, type ActingUser } from '@phdmf/contracts';
import type { AggregationListAnalyses } from '@phdmf/contracts';
import { Analysis } from '../../domain/analysis';

/** The acting user's own analyses, newest first. */
@Injectable()
export class ListAnalysesHandler {
  constructor(private readonly orm: MikroORM) {}

  async execute(_p: AggregationListAnalyses.Payload, actor: ActingUser | undefined): Promise<AggregationListAnalyses.Result> {
    const who = requireActor(actor);
    const rows = await this.orm.em.fork().find(Analysis, { requester: who.userId }, { orderBy: { createdAt: 'desc' }, limit: 500 });
    return { items: rows.map((a) => a.toSummary()) };
  }
}
