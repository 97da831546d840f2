import { Inject, Injectable } from '@nestjs/common';
import type { ReadStream } from 'node:fs';
import { PhdmfError, StorageErrorCode } from '@phdmf/contracts';
import { datasetNotFound } from '../../domain/storage-errors';
import type { FileStore } from '../../infrastructure/files/file-store';
import { DatasetRepository } from '../../infrastructure/persistence/dataset.repository';
import { FILE_STORE } from '../../storage.tokens';

export interface Download {
  stream: ReadStream;
  fileName: string;
  sizeBytes: number;
  sha256: string;
  version: number;
  format: 'csv' | 'parquet';
}

/** Opens a version's file for download (the newest when `version` is absent). */
@Injectable()
export class DownloadDatasetHandler {
  constructor(
    private readonly datasets: DatasetRepository,
    @Inject(FILE_STORE) private readonly files: FileStore,
  ) {}

  async execute(datasetId: string, version?: number): Promise<Download> {
    const dataset = await this.datasets.find(datasetId);
    if (!dataset || dataset.state === 'deleted') throw datasetNotFound(datasetId);
    const row = await this.datasets.version(datasetId, version ?? dataset.latestVersion);
    if (!row || row.purged) throw new PhdmfError(StorageErrorCode.DATASET_NOT_FOUND, `dataset "${datasetId}" has no version ${version ?? dataset.latestVersion}`);
    // The file is streamed as stored; its expected hash goes in a header so the client can check it.
    return { stream: this.files.read(row.sha256), fileName: row.fileName, sizeBytes: row.sizeBytes, sha256: row.sha256, version: row.version, format: row.format };
  }
}
