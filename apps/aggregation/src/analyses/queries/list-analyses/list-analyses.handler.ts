import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { AggregationListAnalyses, PageRequest, requireActor, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { findPage, withinTime } from '@phdmf/persistence';
import { AnalysisPolicy } from '../../domain/actor';
import { Analysis } from '../../domain/analysis';

/** Analyses the actor may list (AnalysisPolicy.listedRequester), newest first, a page at a time (a keyset query on (createdAt, analysisId)). */
@Controller()
export class ListAnalysesHandler {
  constructor(private readonly orm: MikroORM) {}

  @HandleRequest(AggregationListAnalyses.CONTRACT)
  async execute(@Payload() p: AggregationListAnalyses.Payload, @Actor() actor: ActingUser | undefined): Promise<AggregationListAnalyses.Result> {
    const who = requireActor(actor);
    const page = PageRequest.of('analyses', p, { status: p.status, from: p.from, to: p.to, requester: p.requester });
    const requester = AnalysisPolicy.listedRequester(who, p.requester);
    if (requester === null) return { items: [], nextCursor: null, total: 0 };
    const where = { ...(requester !== undefined ? { requester } : {}), ...(p.status !== undefined ? { status: p.status } : {}), ...withinTime<Analysis>('createdAt', p) };
    const { rows, nextCursor, total } = await findPage(this.orm.em.fork(), Analysis, where, { at: 'createdAt', id: 'analysisId' }, page);
    return { items: rows.map((a) => a.toSummary()), nextCursor, total };
  }
}
