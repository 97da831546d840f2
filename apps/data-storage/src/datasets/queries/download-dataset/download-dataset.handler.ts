import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ReadStream } from 'node:fs';
import { PhdmfError, StorageErrorCode } from '@phdmf/contracts';
import { datasetNotFound } from '../../domain/storage-errors';
import type { FileStore } from '../../infrastructure/files/file-store';
import { DatasetRepository } from '../../infrastructure/persistence/dataset.repository';
import { FILE_STORE } from '../../storage.tokens';
import { DownloadDatasetQuery } from './download-dataset.query';

export interface Download {
  stream: ReadStream;
  fileName: string;
  sizeBytes: number;
  sha256: string;
  version: number;
  format: 'csv' | 'parquet';
}

@QueryHandler(DownloadDatasetQuery)
export class DownloadDatasetHandler implements IQueryHandler<DownloadDatasetQuery, Download> {
  constructor(
    private readonly datasets: DatasetRepository,
    @Inject(FILE_STORE) private readonly files: FileStore,
  ) {}

  async execute({ datasetId, version }: DownloadDatasetQuery): Promise<Download> {
    const dataset = await this.datasets.find(datasetId);
    if (!dataset || dataset.state === 'deleted') throw datasetNotFound(datasetId);
    const row = await this.datasets.version(datasetId, version ?? dataset.latestVersion);
    if (!row || row.purged) throw new PhdmfError(StorageErrorCode.DATASET_NOT_FOUND, `dataset "${datasetId}" has no version ${version ?? dataset.latestVersion}`);
    // The file is streamed as stored; its expected hash goes in a header so the client can check it.
    return { stream: this.files.read(row.sha256), fileName: row.fileName, sizeBytes: row.sizeBytes, sha256: row.sha256, version: row.version, format: row.format };
  }
}
