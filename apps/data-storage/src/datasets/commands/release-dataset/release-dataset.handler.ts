import { Injectable } from '@nestjs/common';
import { LedgerIntents } from '../../application/ledger-intents';
import { actorOf } from '../../application/local-access';
import type { DatasetView } from '../../domain/dataset-view';
import type { LocalUser } from '../../domain/local-user';
import { datasetNotFound } from '../../domain/storage-errors';
import { DatasetRepository } from '../../infrastructure/persistence/dataset.repository';
import { LedgerIntentRepository } from '../../infrastructure/persistence/ledger-intent.repository';

/**
 * Retries the ledger release of a dataset's newest version after a failed commit.
 *
 * "Release now": tries the dataset's owed writes at once instead of at the worker's next round, and
 * owes the ledger the newest version again if the ledger refused it before (after the cause was fixed).
 * Idempotent: a committed version stays as it is.
 */
@Injectable()
export class ReleaseDatasetHandler {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly intents: LedgerIntents,
    private readonly owed: LedgerIntentRepository,
  ) {}

  async execute(user: LocalUser, datasetId: string): Promise<DatasetView> {
    const dataset = await this.datasets.find(datasetId);
    if (!dataset || dataset.state === 'deleted') throw datasetNotFound(datasetId);
    const latest = await this.datasets.version(datasetId, dataset.latestVersion);
    if (latest?.releaseState === 'failed') {
      await this.datasets.update(datasetId, (d, versions, em) => {
        const v = versions.find((x) => x.version === latest.version);
        if (v?.releaseState !== 'failed') return;
        v.releaseState = 'pending';
        this.owed.add(em, { kind: 'release', datasetId, version: v.version, actor: actorOf(user) });
      });
    }
    await this.intents.drain(datasetId);
    const now = await this.datasets.find(datasetId);
    if (!now) throw datasetNotFound(datasetId);
    return this.datasets.view(now, true);
  }
}
