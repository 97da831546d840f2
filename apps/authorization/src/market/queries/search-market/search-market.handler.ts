import { Injectable } from '@nestjs/common';
import { MikroORM, raw, type FilterQuery } from '@mikro-orm/core';
import { requireActor, type ActingUser } from '@phdmf/contracts';
import type { AuthorizationSearchMarket } from '@phdmf/contracts';
import { MarketDataset, MarketDatasetColumn } from '../../domain/market-dataset';
import { Catalogue } from '../../infrastructure/catalogue';

export const DEFAULT_PAGE_SIZE = 20;

/** `text` as a LIKE pattern that matches it literally anywhere (with `\` as the escape character). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The data market: released datasets not deleted, newest release first, each with the caller's
 * own permission. Any authenticated user may browse it (metadata and schema only).
 */
@Injectable()
export class SearchMarketHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly catalogue: Catalogue,
  ) {}

  async execute(p: AuthorizationSearchMarket.Payload, actor: ActingUser | undefined, now = new Date()): Promise<AuthorizationSearchMarket.Result> {
    const who = requireActor(actor);
    const page = p.page ?? 1;
    const pageSize = p.pageSize ?? DEFAULT_PAGE_SIZE;
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
    const [datasets, total] = await em.findAndCount(MarketDataset, { $and: where }, {
      orderBy: [{ releasedAt: 'desc' }, { datasetId: 'asc' }],
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    return { items: await this.catalogue.entries(em, datasets, who, now), total, page, pageSize };
  }
}
