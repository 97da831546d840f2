import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { canonicalJson, isLedgerRetryable, LedgerChaincodeErrorCode, PhdmfError, StorageErrorCode, type LedgerDatasetRecord } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import type { ActorHeader } from '@phdmf/messaging';
import { STORAGE_SETTINGS, type StorageSettings } from '../../storage.settings';
import type { ColumnSchema } from '../domain/csv-schema';
import type { FileStore } from '../infrastructure/files/file-store';
import { LedgerClient } from '../infrastructure/ledger/ledger-client';
import type { DatasetRow, DatasetVersionRow } from '../infrastructure/persistence/dataset.entity';
import { DatasetRepository, schemaOf } from '../infrastructure/persistence/dataset.repository';
import type { LedgerIntentRow } from '../infrastructure/persistence/ledger-intent.entity';
import { LedgerIntentRepository } from '../infrastructure/persistence/ledger-intent.repository';
import { FILE_STORE, OBJECT_LOCKS, STORAGE_LOGGER } from '../storage.tokens';
import { KeyedLock } from './keyed-lock';

/** Digest of a schema as recorded on-chain: SHA-256 of its canonical JSON. */
export function schemaDigest(columns: ColumnSchema[]): string {
  return createHash('sha256').update(canonicalJson(columns)).digest('hex');
}

/** What a deletion intent carries. */
export interface DeleteIntentPayload {
  operator: string;
  description: string;
}

/** What a tamper-finding intent carries. */
export interface TamperIntentPayload {
  findingId: string;
  expectedSha256: string;
  foundSha256: string;
}

/** How one dataset's owed writes stand after a pass over them. */
export type DrainOutcome = 'settled' | 'waiting';

/**
 * Carries out the ledger writes the site owes (rows of `storage_ledger_intents`, written with the
 * change they belong to): a version's release, a deletion, a tamper finding. One dataset's writes go
 * in the order they were owed, one pass at a time. Each attempt first asks the ledger whether the write
 * is already committed (an earlier attempt's answer may have been lost, or this process stopped before
 * it stored it), so nothing is written twice; only then does it submit. A ledger that does not answer
 * leaves the write owed (retried by the LedgerIntentWorker with backoff, across restarts); a refusal is
 * a decision: the write is closed and the refusal shown, for someone to act on.
 */
@Injectable()
export class LedgerIntents {
  private readonly passes = new KeyedLock();

  constructor(
    private readonly datasets: DatasetRepository,
    private readonly intents: LedgerIntentRepository,
    private readonly ledger: LedgerClient,
    @Inject(FILE_STORE) private readonly files: FileStore,
    @Inject(OBJECT_LOCKS) private readonly objectLocks: KeyedLock,
    @Inject(STORAGE_SETTINGS) private readonly settings: StorageSettings,
    @Inject(STORAGE_LOGGER) private readonly log: Logger,
  ) {}

  /**
   * Tries one dataset's owed writes now, oldest first; stops at the first the ledger cannot take yet
   * (`retryInMs` is when the caller will try again, recorded for the API). Concurrent passes over the
   * same dataset (an upload and the worker) run one after the other.
   */
  drain(datasetId: string, retryInMs = this.settings.ledgerRetry.minMs): Promise<DrainOutcome> {
    return this.passes.run(datasetId, async () => {
      for (const intent of await this.intents.open(datasetId)) {
        if (!(await this.attempt(intent, retryInMs))) return 'waiting';
      }
      return 'settled';
    });
  }

  /** Whether the intent is decided (committed or refused) after this attempt. */
  private async attempt(intent: LedgerIntentRow, retryInMs: number): Promise<boolean> {
    try {
      if (intent.kind === 'release') await this.release(intent);
      else if (intent.kind === 'delete') await this.delete(intent);
      else await this.recordFinding(intent);
      return true;
    } catch (error) {
      // A coded answer that is not "try later" is the ledger's decision; anything uncoded is this
      // process's own trouble (its database, a bug), which a later attempt may not meet again.
      if (error instanceof PhdmfError && !isLedgerRetryable(error)) {
        await this.refused(intent, error);
        return true;
      }
      const reason = error instanceof PhdmfError ? { code: error.code, message: error.message } : { code: StorageErrorCode.IO_FAILED, message: error instanceof Error ? error.message : String(error) };
      await this.postponed(intent, reason, retryInMs);
      return false;
    }
  }

  /** The ledger's current record of a dataset, or undefined if it holds none. */
  private async onChain(datasetId: string): Promise<LedgerDatasetRecord | undefined> {
    try {
      return await this.ledger.getDataset(datasetId);
    } catch (error) {
      if (error instanceof PhdmfError && error.code === LedgerChaincodeErrorCode.DatasetNotFound) return undefined;
      throw error;
    }
  }

  private async release(intent: LedgerIntentRow): Promise<void> {
    const dataset = await this.datasets.find(intent.datasetId);
    const version = await this.datasets.version(intent.datasetId, intent.version);
    if (!dataset || !version || dataset.state === 'deleted') {
      await this.datasets.fork().transactional((em) => this.intents.finish(em, intent.id, 'refused', { code: StorageErrorCode.DATASET_NOT_FOUND, message: 'nothing left to release' }));
      return;
    }
    const isThisVersion = (record: LedgerDatasetRecord): boolean =>
      record.version === version.version && record.sha256 === version.sha256 && record.ownerMemberId === dataset.ownerOrganisationId;
    const onChain = await this.onChain(dataset.id);
    let committed: { txId: string; blockNumber: number | null };
    if (onChain !== undefined && isThisVersion(onChain)) {
      // Committed by an earlier attempt whose answer never arrived: the ledger is the authority.
      committed = { txId: onChain.txId, blockNumber: null };
    } else {
      const payload = releasePayload(dataset, version);
      const actor = JSON.parse(intent.actorJson) as ActorHeader;
      try {
        // The first version on-chain is an add; any later one an update (which also clears a tamper finding).
        committed = onChain === undefined ? await this.ledger.addDataset(payload, actor) : await this.ledger.updateDataset(payload, actor);
      } catch (error) {
        // A refusal ("already exists", "not newer") may be this very write: an earlier attempt that the
        // site stopped waiting for (the ledger restarted, or answered after the deadline) and that
        // committed after the check above. Asked again, the ledger settles it either way.
        if (!(error instanceof PhdmfError) || isLedgerRetryable(error)) throw error;
        const now = await this.onChain(dataset.id);
        if (now === undefined || !isThisVersion(now)) throw error;
        committed = { txId: now.txId, blockNumber: null };
      }
    }
    this.log.info({ datasetId: dataset.id, version: version.version, txId: committed.txId, blockNumber: committed.blockNumber, attempts: intent.attempts + 1 }, 'dataset version committed on the ledger');
    await this.datasets.update(dataset.id, async (d, versions, em) => {
      const v = versions.find((x) => x.version === version.version);
      if (v) {
        v.releaseState = 'committed';
        v.txId = committed.txId;
        v.blockNumber = committed.blockNumber;
        v.committedAt = new Date();
        v.releaseErrorCode = null;
        v.releaseError = null;
      }
      if (d.releasedVersion === null || d.releasedVersion < version.version) d.releasedVersion = version.version;
      d.state = 'released';
      d.lastErrorCode = null;
      d.lastError = null;
      // A good version committed on-chain is what clears a tamper finding (the chaincode does the same).
      d.tampered = false;
      d.tamperFindingId = null;
      await this.intents.finish(em, intent.id, 'committed');
    });
  }

  private async delete(intent: LedgerIntentRow): Promise<void> {
    const dataset = await this.datasets.find(intent.datasetId);
    if (!dataset || dataset.state === 'deleted') {
      await this.datasets.fork().transactional((em) => this.intents.finish(em, intent.id, 'committed'));
      return;
    }
    const p = JSON.parse(intent.payloadJson) as DeleteIntentPayload;
    const onChain = await this.onChain(dataset.id);
    let txId: string | null = null;
    // Nothing on-chain (no version was ever committed): the deletion is this site's alone.
    if (onChain !== undefined) {
      txId =
        onChain.status === 'deleted'
          ? onChain.txId
          : (
              await this.ledger.deleteDataset(
                { datasetId: dataset.id, version: Math.max(intent.version, onChain.version + 1), operator: p.operator, description: p.description },
                JSON.parse(intent.actorJson) as ActorHeader,
              )
            ).txId;
    }
    const versions = await this.datasets.versions(dataset.id);
    await this.datasets.update(dataset.id, async (d, vs, em) => {
      d.state = 'deleted';
      d.deletedAt = new Date();
      d.deleteTxId = txId;
      d.lastErrorCode = null;
      d.lastError = null;
      for (const v of vs) v.purged = true;
      await this.intents.finish(em, intent.id, 'committed');
    });
    // Files go after the record says so: a crash in between leaves an orphan file (swept by an
    // operator), never a record pointing at a missing file.
    for (const sha of new Set(versions.map((v) => v.sha256))) {
      await this.objectLocks.run(sha, async () => {
        if (!(await this.datasets.hashInUse(sha, dataset.id))) await this.files.remove(sha);
      });
    }
    this.log.info({ datasetId: dataset.id, txId }, 'dataset deleted');
  }

  private async recordFinding(intent: LedgerIntentRow): Promise<void> {
    const f = JSON.parse(intent.payloadJson) as TamperIntentPayload;
    const onChain = await this.onChain(intent.datasetId);
    if (onChain?.tamperFindingId !== f.findingId) {
      await this.ledger.recordTamperFinding({ findingId: f.findingId, datasetId: intent.datasetId, expectedSha256: f.expectedSha256, foundSha256: f.foundSha256, nodeId: this.settings.nodeId });
    }
    await this.datasets.update(intent.datasetId, async (d, _versions, em) => {
      d.tamperFindingId = f.findingId;
      // What the waiting attempts showed is over.
      d.lastErrorCode = null;
      d.lastError = null;
      await this.intents.finish(em, intent.id, 'committed');
    });
    this.log.error({ datasetId: intent.datasetId, version: intent.version, findingId: f.findingId }, 'tamper finding recorded on the ledger');
  }

  /** The ledger refused the write: it is closed, and the refusal shown where the local API shows it. */
  private async refused(intent: LedgerIntentRow, error: PhdmfError): Promise<void> {
    this.log.warn({ datasetId: intent.datasetId, version: intent.version, kind: intent.kind, code: error.code }, 'ledger refused an owed write');
    await this.datasets.update(intent.datasetId, async (d, versions, em) => {
      if (intent.kind === 'release') {
        const v = versions.find((x) => x.version === intent.version);
        if (v) {
          v.releaseState = 'failed';
          v.releaseErrorCode = error.code;
          v.releaseError = error.message;
        }
        d.lastErrorCode = error.code;
        d.lastError = `version ${intent.version} is not released: ${error.message}`;
      } else if (intent.kind === 'delete') {
        d.lastErrorCode = error.code;
        d.lastError = `deletion not recorded on the ledger: ${error.message}`;
      }
      // A refused tamper finding leaves the local mark (summaries stay refused); the next audit files a new one.
      await this.intents.finish(em, intent.id, 'refused', { code: error.code, message: error.message });
    });
  }

  /** The ledger did not answer: the write stays owed, shown as waiting with the reason. */
  private async postponed(intent: LedgerIntentRow, reason: { code: string; message: string }, retryInMs: number): Promise<void> {
    this.log.warn({ datasetId: intent.datasetId, version: intent.version, kind: intent.kind, code: reason.code, attempts: intent.attempts + 1, retryInMs }, 'owed ledger write not taken yet; retrying');
    await this.datasets.update(intent.datasetId, async (d, versions, em) => {
      const what = intent.kind === 'release' ? `version ${intent.version}` : intent.kind === 'delete' ? 'the deletion' : 'the tamper finding';
      if (intent.kind === 'release') {
        const v = versions.find((x) => x.version === intent.version);
        if (v) {
          v.releaseErrorCode = reason.code;
          v.releaseError = reason.message;
        }
      }
      d.lastErrorCode = reason.code;
      d.lastError = `${what} is waiting for the ledger: ${reason.message}`;
      await this.intents.postpone(em, intent, reason, retryInMs);
    });
  }
}

/** The on-chain record of a stored version. */
function releasePayload(dataset: DatasetRow, version: DatasetVersionRow) {
  const columns = schemaOf(version);
  return {
    datasetId: dataset.id,
    version: version.version,
    fileName: version.fileName,
    sha256: version.sha256,
    rowCount: version.rowCount,
    columnCount: version.columnCount,
    schemaDigest: version.schemaDigest,
    operator: version.operator,
    description: version.description,
    name: dataset.name,
    columns: columns.map((c) => c.name),
    // The market shows each dataset's schema from committed ledger records only, so the types go on-chain too.
    columnTypes: columns.map((c) => c.type),
    // The declared grids too: a site answers histograms only on the grid the chain holds.
    ...(columns.some((c) => c.grid) ? { columnGrids: columns.flatMap((c) => (c.grid ? [{ column: c.name, ...c.grid }] : [])) } : {}),
  };
}
