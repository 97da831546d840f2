import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { StorageRunAudit } from '@phdmf/contracts';
import { Metrics } from '@phdmf/observability';
import type { Logger } from '@phdmf/logging';
import { STORAGE_SETTINGS, type StorageSettings } from '../../../storage.settings';
import type { FileStore } from '../../infrastructure/files/file-store';
import { LedgerClient } from '../../infrastructure/ledger/ledger-client';
import { DatasetRepository } from '../../infrastructure/persistence/dataset.repository';
import type { LedgerIntentRow } from '../../infrastructure/persistence/ledger-intent.entity';
import { LedgerIntentRepository } from '../../infrastructure/persistence/ledger-intent.repository';
import { LedgerIntents, type TamperIntentPayload } from '../../application/ledger-intents';
import { FILE_STORE, STORAGE_LOGGER } from '../../storage.tokens';

/** What started an audit: the site's schedule, its local API, or a request on its NATS subject. */
export type AuditTrigger = 'schedule' | 'local-api' | 'nats';

/**
 * The integrity audit: re-hashes every stored file and records any mismatch of a released version
 * on-chain. A released version whose file no longer has its on-chain hash is marked tampered here at
 * once (summaries refuse it from that moment) and reported on-chain as a tamper finding, which
 * refuses it to every analysis consortium-wide until the owner uploads a good version. The finding
 * is owed to the ledger like every other write of the site (LedgerIntents): if the ledger cannot take
 * it now, the local mark stays and the site retries until it does.
 */
@Injectable()
export class RunAuditHandler {
  private running: Promise<StorageRunAudit.Result> | undefined;

  constructor(
    private readonly datasets: DatasetRepository,
    private readonly ledger: LedgerClient,
    private readonly intents: LedgerIntents,
    private readonly owed: LedgerIntentRepository,
    @Inject(FILE_STORE) private readonly files: FileStore,
    @Inject(STORAGE_SETTINGS) private readonly settings: StorageSettings,
    @Inject(STORAGE_LOGGER) private readonly log: Logger,
  ) {}

  execute(trigger: AuditTrigger): Promise<StorageRunAudit.Result> {
    // One audit at a time: a second request joins the one running instead of doubling the I/O.
    this.running ??= this.audit(trigger).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async audit(trigger: AuditTrigger): Promise<StorageRunAudit.Result> {
    const startedAt = new Date();
    const result: StorageRunAudit.Result = {
      nodeId: this.settings.nodeId,
      startedAt: startedAt.toISOString(),
      finishedAt: '',
      filesChecked: 0,
      bytesHashed: 0,
      mismatches: [],
      unreadable: [],
    };
    for (const version of await this.datasets.storedVersions()) {
      let found: { sha256: string; bytes: number };
      try {
        found = await this.files.hashObject(version.sha256);
      } catch (error) {
        result.unreadable.push({ datasetId: version.datasetId, version: version.version, problem: (error as NodeJS.ErrnoException).code ?? String(error) });
        continue;
      }
      result.filesChecked += 1;
      result.bytesHashed += found.bytes;
      if (found.sha256 === version.sha256) continue;
      const mismatch: StorageRunAudit.Mismatch = { datasetId: version.datasetId, version: version.version, expectedSha256: version.sha256, foundSha256: found.sha256 };
      result.mismatches.push(mismatch);
      const dataset = await this.datasets.find(version.datasetId);
      if (!dataset || dataset.state === 'deleted' || dataset.releasedVersion !== version.version) {
        // Not the released version: nothing on-chain to dispute, but the file is no good either.
        this.log.error({ datasetId: version.datasetId, version: version.version }, 'stored file of an unreleased or superseded version changed');
        continue;
      }
      // The local mark now (summaries refuse the file from this moment) and, in the same transaction,
      // the finding owed to the ledger — unless one is recorded or owed already.
      let owed: LedgerIntentRow | undefined;
      await this.datasets.update(dataset.id, async (d, _versions, em) => {
        d.tampered = true;
        if (d.tamperFindingId !== null || (await this.owed.isOwed(em, d.id, 'tamper-finding'))) return;
        const payload: TamperIntentPayload = { findingId: `tf-${randomUUID()}`, expectedSha256: version.sha256, foundSha256: found.sha256 };
        owed = this.owed.add(em, { kind: 'tamper-finding', datasetId: d.id, version: version.version, payload, actor: this.ledger.nodeActor });
      });
      if (owed) {
        Metrics.tamperFindings.inc(); // a new finding, not one this site has reported before
        await this.intents.drain(dataset.id);
      }
      const now = await this.datasets.find(dataset.id);
      if (now?.tamperFindingId) mismatch.findingId = now.tamperFindingId;
      else if (now?.lastErrorCode) mismatch.findingError = `${now.lastErrorCode}: ${now.lastError ?? ''}`;
    }
    result.finishedAt = new Date().toISOString();
    this.log.info({ trigger, files: result.filesChecked, bytes: result.bytesHashed, mismatches: result.mismatches.length }, 'integrity audit finished');
    return result;
  }
}
