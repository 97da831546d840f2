import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM, raw, type FilterQuery } from '@mikro-orm/core';
import { AuthorizationSearchMarket, PageRequest, requireActor, type ActingUser } from '@phdmf/contracts';
import { findPage } from '@phdmf/persistence';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { MarketDataset, MarketDatasetColumn } from '../../domain/market-dataset';
import { Catalogue } from '../../infrastructure/catalogue';

/** `text` as a LIKE pattern that matches it literally anywhere (with `\` as the escape character). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The data market: released datasets not deleted, newest release first (then by dataset id), a page
 * at a time (a keyset query on (releasedAt, datasetId)), each with the caller's own permission. Any
 * authenticated user may browse it (metadata and schema only).
 */
@Controller()
export class SearchMarketHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly catalogue: Catalogue,
  ) {}

  @HandleRequest(AuthorizationSearchMarket.CONTRACT)
  async execute(@Payload() p: AuthorizationSearchMarket.Payload, @Actor() actor: ActingUser | undefined, now = new Date()): Promise<AuthorizationSearchMarket.Result> {
    const who = requireActor(actor);
    const page = PageRequest.of('market', p, { q: p.q, institution: p.institution, column: p.column });
    const em = this.orm.em.fork();
    const where: FilterQuery<MarketDataset>[] = [{ status: { $ne: 'deleted' } }];
    if (p.institution !== undefined) where.push({ ownerMemberId: p.institution });
    if (p.column !== undefined) {
      const having = await em.find(MarketDatasetColumn, { name: p.column }, { fields: ['datasetId'] });
      where.push({ datasetId: { $in: having.map((c) => c.datasetId) } });
    }
    if (p.q !== undefined) {
      // LIKE with an explicit escape character behaves alike on SQLite and PostgreSQL; the text is
      // stored lower-cased, so the match is case-insensitive on both.
      where.push({ [raw((alias) => `${alias}.search_text like ? escape '\\'`, [containsPattern(p.q)])]: [] });
    }
    const { rows, nextCursor, total } = await findPage(em, MarketDataset, { $and: where }, { at: 'releasedAt', id: 'datasetId' }, page);
    return { items: await this.catalogue.entries(em, rows, who, now), nextCursor, total };
  }
}
