import { Injectable } from '@nestjs/common';
import type { DatasetView } from '../../domain/dataset-view';
import { datasetNotFound } from '../../domain/storage-errors';
import { DatasetRepository } from '../../infrastructure/persistence/dataset.repository';

/** One dataset with every version. */
@Injectable()
export class GetDatasetHandler {
  constructor(private readonly datasets: DatasetRepository) {}

  async execute(datasetId: string): Promise<DatasetView> {
    const dataset = await this.datasets.find(datasetId);
    if (!dataset) throw datasetNotFound(datasetId);
    return this.datasets.view(dataset, true);
  }
}
