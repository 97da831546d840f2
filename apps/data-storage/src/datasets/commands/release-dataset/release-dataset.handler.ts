import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LedgerReleaseService } from '../../application/ledger-release.service';
import { actorOf } from '../../application/local-access';
import type { DatasetView } from '../../domain/dataset-view';
import { datasetNotFound } from '../../domain/storage-errors';
import { DatasetRepository } from '../../infrastructure/persistence/dataset.repository';
import { ReleaseDatasetCommand } from './release-dataset.command';

@CommandHandler(ReleaseDatasetCommand)
export class ReleaseDatasetHandler implements ICommandHandler<ReleaseDatasetCommand, DatasetView> {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly release: LedgerReleaseService,
  ) {}

  async execute({ user, datasetId }: ReleaseDatasetCommand): Promise<DatasetView> {
    const dataset = await this.datasets.find(datasetId);
    if (!dataset || dataset.state === 'deleted') throw datasetNotFound(datasetId);
    const latest = await this.datasets.version(datasetId, dataset.latestVersion);
    // Already committed: nothing to do (the call is idempotent).
    if (!latest || latest.releaseState === 'committed') return this.datasets.view(dataset, true);
    return this.datasets.view(await this.release.release(dataset, latest, actorOf(user)), true);
  }
}
