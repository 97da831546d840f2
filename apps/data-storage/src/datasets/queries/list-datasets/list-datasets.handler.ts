import { Injectable } from '@nestjs/common';
import { PageRequest, type Page, type PageQuery } from '@phdmf/contracts';
import type { DatasetView } from '../../domain/dataset-view';
import { DatasetRepository } from '../../infrastructure/persistence/dataset.repository';

/**
 * A page of the node's datasets (newest first: by creation time, then id, as the edge's lists are) with
 * their release state and last ledger error.
 */
@Injectable()
export class ListDatasetsHandler {
  constructor(private readonly datasets: DatasetRepository) {}

  async execute(includeDeleted: boolean, page: PageQuery): Promise<Page<DatasetView>> {
    const request = PageRequest.of('site-datasets', page, { includeDeleted });
    const { rows, nextCursor, total } = await this.datasets.page(includeDeleted, request);
    return { items: await Promise.all(rows.map((d) => this.datasets.view(d, true))), nextCursor, total };
  }
}
