import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { DatasetView } from '../../domain/dataset-view';
import { DatasetRepository } from '../../infrastructure/persistence/dataset.repository';
import { ListDatasetsQuery } from './list-datasets.query';

@QueryHandler(ListDatasetsQuery)
export class ListDatasetsHandler implements IQueryHandler<ListDatasetsQuery, DatasetView[]> {
  constructor(private readonly datasets: DatasetRepository) {}

  async execute({ includeDeleted }: ListDatasetsQuery): Promise<DatasetView[]> {
    const rows = await this.datasets.list(includeDeleted);
    return Promise.all(rows.map((d) => this.datasets.view(d, true)));
  }
}
