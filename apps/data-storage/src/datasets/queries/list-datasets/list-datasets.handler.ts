import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PageRequest, type Page } from '@phdmf/contracts';
import type { DatasetView } from '../../domain/dataset-view';
import { DatasetRepository } from '../../infrastructure/persistence/dataset.repository';
import { ListDatasetsQuery } from './list-datasets.query';

/** The node's datasets, newest first (by creation time, then id), a page at a time, as the edge's lists are. */
@QueryHandler(ListDatasetsQuery)
export class ListDatasetsHandler implements IQueryHandler<ListDatasetsQuery, Page<DatasetView>> {
  constructor(private readonly datasets: DatasetRepository) {}

  async execute({ includeDeleted, page }: ListDatasetsQuery): Promise<Page<DatasetView>> {
    const request = PageRequest.of('site-datasets', page, { includeDeleted });
    const { rows, nextCursor, total } = await this.datasets.page(includeDeleted, request);
    return { items: await Promise.all(rows.map((d) => this.datasets.view(d, true))), nextCursor, total };
  }
}
