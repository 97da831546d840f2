import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/core';
import type { PageRequest } from '@phdmf/contracts';
import { findPage, type RowPage } from '@phdmf/persistence';
import type { ColumnSchema } from '../../domain/csv-schema';
import type { DatasetVersionView, DatasetView } from '../../domain/dataset-view';
import { DatasetRow, DatasetVersionRow } from './dataset.entity';
import { LedgerIntentRow } from './ledger-intent.entity';

/** Datasets and versions in the node's own database. Every call is its own unit of work. */
@Injectable()
export class DatasetRepository {
  constructor(private readonly orm: MikroORM) {}

  fork(): EntityManager {
    return this.orm.em.fork();
  }

  async find(id: string): Promise<DatasetRow | null> {
    return this.fork().findOne(DatasetRow, { id });
  }

  async versions(datasetId: string): Promise<DatasetVersionRow[]> {
    return this.fork().find(DatasetVersionRow, { datasetId }, { orderBy: { version: 'asc' } });
  }

  async version(datasetId: string, version: number): Promise<DatasetVersionRow | null> {
    return this.fork().findOne(DatasetVersionRow, { datasetId, version });
  }

  /** A page of the datasets, newest first by (createdAt, id): a keyset query with the count of all that match. */
  async page(includeDeleted: boolean, request: PageRequest): Promise<RowPage<DatasetRow>> {
    return findPage(this.fork(), DatasetRow, includeDeleted ? {} : { state: { $ne: 'deleted' } }, { at: 'createdAt', id: 'id' }, request);
  }

  /** Every version whose file is still on disk (for the audit). */
  async storedVersions(): Promise<DatasetVersionRow[]> {
    return this.fork().find(DatasetVersionRow, { purged: false }, { orderBy: { datasetId: 'asc', version: 'asc' } });
  }

  /** Whether any version other than the given ones still needs the file with this hash. */
  async hashInUse(sha256: string, exceptDatasetId: string): Promise<boolean> {
    return (await this.fork().count(DatasetVersionRow, { sha256, purged: false, datasetId: { $ne: exceptDatasetId } })) > 0;
  }

  /** Applies `change` to the dataset and/or version rows (and whatever else it writes with `em`) in one transaction. */
  async update(datasetId: string, change: (dataset: DatasetRow, versions: DatasetVersionRow[], em: EntityManager) => void | Promise<void>): Promise<DatasetRow> {
    return this.fork().transactional(async (em) => {
      const dataset = await em.findOneOrFail(DatasetRow, { id: datasetId });
      const versions = await em.find(DatasetVersionRow, { datasetId }, { orderBy: { version: 'asc' } });
      await change(dataset, versions, em);
      dataset.updatedAt = new Date();
      return dataset;
    });
  }

  async view(dataset: DatasetRow, withVersions: boolean): Promise<DatasetView> {
    const owed = await this.fork().count(LedgerIntentRow, { datasetId: dataset.id, doneAt: null });
    const view: DatasetView = {
      datasetId: dataset.id,
      name: dataset.name,
      organisationId: dataset.ownerOrganisationId,
      state: dataset.state,
      releasedVersion: dataset.releasedVersion,
      latestVersion: dataset.latestVersion,
      tampered: dataset.tampered,
      ...(dataset.tamperFindingId ? { tamperFindingId: dataset.tamperFindingId } : {}),
      // Owed writes first: an outage is "waiting", not "failed"; a refusal is failed until someone acts.
      ledgerStatus: owed > 0 ? 'pending' : dataset.lastErrorCode ? 'failed' : 'committed',
      ...(dataset.lastErrorCode ? { lastError: { code: dataset.lastErrorCode, message: dataset.lastError ?? '' } } : {}),
      createdAt: dataset.createdAt.toISOString(),
      updatedAt: dataset.updatedAt.toISOString(),
      ...(dataset.deletedAt ? { deletedAt: dataset.deletedAt.toISOString() } : {}),
    };
    if (withVersions) view.versions = (await this.versions(dataset.id)).map(versionView);
    return view;
  }
}

export function schemaOf(version: DatasetVersionRow): ColumnSchema[] {
  return JSON.parse(version.schemaJson) as ColumnSchema[];
}

export function versionView(v: DatasetVersionRow): DatasetVersionView {
  return {
    version: v.version,
    sha256: v.sha256,
    sizeBytes: v.sizeBytes,
    format: v.format,
    fileName: v.fileName,
    rowCount: v.rowCount,
    columns: schemaOf(v),
    description: v.description,
    operator: v.operator,
    createdAt: v.createdAt.toISOString(),
    release: {
      state: v.releaseState,
      ...(v.txId ? { txId: v.txId } : {}),
      ...(v.blockNumber !== null ? { blockNumber: v.blockNumber } : {}),
      ...(v.committedAt ? { committedAt: v.committedAt.toISOString() } : {}),
      ...(v.releaseErrorCode ? { errorCode: v.releaseErrorCode } : {}),
      ...(v.releaseError ? { error: v.releaseError } : {}),
    },
  };
}
