import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PhdmfError } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { actorOf } from '../../application/local-access';
import type { DatasetView } from '../../domain/dataset-view';
import { datasetNotFound } from '../../domain/storage-errors';
import type { FileStore } from '../../infrastructure/files/file-store';
import { LedgerGateway } from '../../infrastructure/ledger/ledger-gateway';
import { DatasetRepository } from '../../infrastructure/persistence/dataset.repository';
import type { KeyedLock } from '../../application/keyed-lock';
import { FILE_STORE, OBJECT_LOCKS, STORAGE_LOGGER } from '../../storage.tokens';
import { DeleteDatasetCommand } from './delete-dataset.command';

@CommandHandler(DeleteDatasetCommand)
export class DeleteDatasetHandler implements ICommandHandler<DeleteDatasetCommand, DatasetView> {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly ledger: LedgerGateway,
    @Inject(FILE_STORE) private readonly files: FileStore,
    @Inject(OBJECT_LOCKS) private readonly locks: KeyedLock,
    @Inject(STORAGE_LOGGER) private readonly log: Logger,
  ) {}

  async execute({ user, datasetId, description }: DeleteDatasetCommand): Promise<DatasetView> {
    const dataset = await this.datasets.find(datasetId);
    if (!dataset || dataset.state === 'deleted') throw datasetNotFound(datasetId);
    let txId: string | null = null;
    if (dataset.releasedVersion !== null) {
      // The deletion is an operation on-chain like any other: the files go only once it is committed,
      // so a refused deletion leaves the dataset exactly as it was.
      try {
        const committed = await this.ledger.deleteDataset(
          { datasetId, version: dataset.latestVersion + 1, operator: user.userId, description },
          actorOf(user),
        );
        txId = committed.txId;
      } catch (error) {
        if (error instanceof PhdmfError) {
          await this.datasets.update(datasetId, (d) => {
            d.lastErrorCode = error.code;
            d.lastError = `deletion not recorded on the ledger: ${error.message}`;
          });
        }
        throw error;
      }
    }
    const versions = await this.datasets.versions(datasetId);
    const deleted = await this.datasets.update(datasetId, (d, vs) => {
      d.state = 'deleted';
      d.deletedAt = new Date();
      d.deleteTxId = txId;
      d.lastErrorCode = null;
      d.lastError = null;
      for (const v of vs) v.purged = true;
    });
    // Files go after the record says so: a crash in between leaves an orphan file (swept by an
    // operator), never a record pointing at a missing file.
    for (const sha of new Set(versions.map((v) => v.sha256))) {
      await this.locks.run(sha, async () => {
        if (!(await this.datasets.hashInUse(sha, datasetId))) await this.files.remove(sha);
      });
    }
    this.log.info({ datasetId, txId }, 'dataset deleted');
    return this.datasets.view(deleted, true);
  }
}
