import { Injectable } from '@nestjs/common';
import { CommonErrorCode, PhdmfError } from '@phdmf/contracts';
import { LedgerIntents, type DeleteIntentPayload } from '../../application/ledger-intents';
import { actorOf } from '../../application/local-access';
import type { DatasetView } from '../../domain/dataset-view';
import type { LocalUser } from '../../domain/local-user';
import { datasetNotFound } from '../../domain/storage-errors';
import { DatasetRepository } from '../../infrastructure/persistence/dataset.repository';
import type { LedgerIntentRow } from '../../infrastructure/persistence/ledger-intent.entity';
import { LedgerIntentRepository } from '../../infrastructure/persistence/ledger-intent.repository';

/**
 * Deletes a dataset: recorded on the ledger first (if it was released), then its files are removed.
 *
 * A deletion is an operation on-chain like any other: it is owed to the ledger (after any write owed
 * before it), and the dataset and its files go only once it is committed — or at once when nothing of
 * the dataset ever reached the ledger. A ledger that does not answer leaves the dataset as it was,
 * its deletion "waiting for the ledger" (202); a refusal leaves it as it was, with the reason.
 */
@Injectable()
export class DeleteDatasetHandler {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly intents: LedgerIntents,
    private readonly owed: LedgerIntentRepository,
  ) {}

  async execute(user: LocalUser, datasetId: string, description: string): Promise<DatasetView> {
    const dataset = await this.datasets.find(datasetId);
    if (!dataset || dataset.state === 'deleted') throw datasetNotFound(datasetId);
    let intent: LedgerIntentRow | undefined;
    await this.datasets.update(datasetId, (d, _versions, em) => {
      const payload: DeleteIntentPayload = { operator: user.userId, description };
      intent = this.owed.add(em, { kind: 'delete', datasetId, version: d.latestVersion + 1, payload, actor: actorOf(user) });
    });
    await this.intents.drain(datasetId);
    // A refusal is answered as the ledger's error, as before; an outage is answered with the dataset, waiting.
    const decided = intent ? await this.owed.find(intent.id) : null;
    if (decided?.outcome === 'refused') throw new PhdmfError(decided.lastErrorCode ?? CommonErrorCode.INTERNAL, decided.lastError ?? 'the ledger refused the deletion');
    const now = await this.datasets.find(datasetId);
    if (!now) throw datasetNotFound(datasetId);
    return this.datasets.view(now, true);
  }
}
