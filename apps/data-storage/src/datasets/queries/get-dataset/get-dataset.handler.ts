import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { DatasetView } from '../../domain/dataset-view';
import { datasetNotFound } from '../../domain/storage-errors';
import { DatasetRepository } from '../../infrastructure/persistence/dataset.repository';
import { GetDatasetQuery } from './get-dataset.query';

@QueryHandler(GetDatasetQuery)
export class GetDatasetHandler implements IQueryHandler<GetDatasetQuery, DatasetView> {
  constructor(private readonly datasets: DatasetRepository) {}

  async execute({ datasetId }: GetDatasetQuery): Promise<DatasetView> {
    const dataset = await this.datasets.find(datasetId);
    if (!dataset) throw datasetNotFound(datasetId);
    return this.datasets.view(dataset, true);
  }
}
