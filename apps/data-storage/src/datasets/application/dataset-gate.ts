import { Inject, Injectable } from '@nestjs/common';
import { grantCoversVersion, LedgerChaincodeErrorCode, PhdmfError, StorageErrorCode, type LedgerAccessRequestRecord, type LedgerGetDataset, type LedgerStatistic, type StorageSummarize } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { inSpan, SpanKind, UseCaseSpan } from '@phdmf/observability';
import type { ActorHeader } from '@phdmf/messaging';
import { STORAGE_SETTINGS, type StorageSettings } from '../../storage.settings';
import { RunAuditHandler } from '../commands/run-audit/run-audit.handler';
import type { ColumnSchema } from '../domain/csv-schema';
import { datasetNotFound, EngineReadError } from '../domain/storage-errors';
import type { FileStore } from '../infrastructure/files/file-store';
import { LedgerClient } from '../infrastructure/ledger/ledger-client';
import type { FileFormat } from '../infrastructure/persistence/dataset.entity';
import { DatasetRepository, schemaOf } from '../infrastructure/persistence/dataset.repository';
import { FILE_STORE, STORAGE_LOGGER } from '../storage.tokens';
import { Semaphore, SemaphoreFull } from './semaphore';

/** The released version of a dataset held here, as this node stores it. */
export interface LocalDataset {
  id: string;
  version: number;
  sha256: string;
  format: FileFormat;
  schema: ColumnSchema[];
  indexOf: Map<string, number>;
}

/** A dataset the ledger lets this requester read now: the grant in force and the on-chain record it was checked against. */
export interface GatedDataset extends LocalDataset {
  grant: LedgerAccessRequestRecord;
  onChain: LedgerGetDataset.Result;
}

/** What the ledger is asked: whose grant, over which columns and statistics. */
export interface AccessAsked {
  requester: string;
  columns: readonly string[];
  statistics: readonly LedgerStatistic[];
}

/**
 * The node's gate before any number about a dataset is computed, shared by every use case that
 * computes one (summaries and the modelling operations): the dataset is here, released and not
 * marked tampered ({@link local}); the ledger holds a grant of the requester in force over the
 * columns and statistics, for the version this node will read, whose on-chain hash is the stored
 * one ({@link checkLedger}); and the file is re-hashed against the chain while the engine reads it,
 * the numbers thrown away if the hash differs ({@link computeChecked}), under the node's one queue
 * of file work.
 */
@Injectable()
export class DatasetGate {
  private readonly queue: Semaphore;

  constructor(
    private readonly datasets: DatasetRepository,
    private readonly ledger: LedgerClient,
    private readonly runAudit: RunAuditHandler,
    @Inject(FILE_STORE) private readonly files: FileStore,
    @Inject(STORAGE_SETTINGS) settings: StorageSettings,
    @Inject(STORAGE_LOGGER) private readonly log: Logger,
  ) {
    // Only the file work waits for a slot; the ledger checks before it are cheap and run at once.
    this.queue = new Semaphore(settings.summaryConcurrency, settings.summaryQueueSize);
  }

  /** The dataset's released version here: DATASET.NOT_FOUND, DATASET.NOT_RELEASED or DATASET.TAMPERED otherwise. */
  async local(datasetId: string): Promise<LocalDataset> {
    const dataset = await this.datasets.find(datasetId);
    if (!dataset || dataset.state === 'deleted') throw datasetNotFound(datasetId);
    if (dataset.releasedVersion === null) {
      throw new PhdmfError(StorageErrorCode.DATASET_NOT_RELEASED, `dataset "${dataset.id}" is not released on the ledger`);
    }
    if (dataset.tampered) throw tampered(dataset.id);
    const version = await this.datasets.version(dataset.id, dataset.releasedVersion);
    if (!version || version.purged) throw datasetNotFound(dataset.id);
    const schema = schemaOf(version);
    return { id: dataset.id, version: version.version, sha256: version.sha256, format: version.format, schema, indexOf: new Map(schema.map((c, i) => [c.name, i])) };
  }

  /**
   * The ledger's word, in one round trip for the grant and the record: the grant's refusal code
   * (ACCESS.*) as it is; ACCESS.VERSION_NOT_COVERED when the grant does not cover the version read
   * here; DATASET.TAMPERED / NOT_FOUND / VERSION_MISMATCH when the chain's record disagrees.
   */
  async checkLedger(dataset: LocalDataset, asked: AccessAsked): Promise<GatedDataset> {
    const [access, onChain] = await inSpan(UseCaseSpan.SiteGrantCheck, SpanKind.INTERNAL, {}, () =>
      Promise.all([
        this.ledger.checkAccess({ datasetId: dataset.id, requester: asked.requester, columns: [...asked.columns], statistics: [...asked.statistics] }),
        this.ledger.getDataset(dataset.id),
      ]),
    );
    if (!access.inForce) throw new PhdmfError(access.code, access.reason, { datasetId: dataset.id, requester: asked.requester });
    // The ledger checked it against its current version; the node checks against the version it will read.
    if (!grantCoversVersion(access.grant, dataset.version)) {
      throw new PhdmfError(LedgerChaincodeErrorCode.AccessVersionNotCovered, `the grant does not cover version ${dataset.version} of dataset "${dataset.id}"; the owner must renew it`, {
        datasetId: dataset.id,
        requester: asked.requester,
      });
    }
    if (onChain.status === 'tampered') throw tampered(dataset.id);
    if (onChain.status === 'deleted') throw datasetNotFound(dataset.id);
    if (onChain.version !== dataset.version || onChain.sha256 !== dataset.sha256) {
      throw new PhdmfError(StorageErrorCode.DATASET_VERSION_MISMATCH, `the ledger holds version ${onChain.version} of dataset "${dataset.id}", this node released version ${dataset.version}`);
    }
    return { ...dataset, grant: access.grant, onChain };
  }

  /** The stored file's path (content-addressed by its hash). */
  fileOf(dataset: LocalDataset): string {
    return this.files.pathOf(dataset.sha256);
  }

  /**
   * `work`'s numbers, computed in a slot of the node's queue while the file is re-hashed; released
   * only once the hash equals the chain's (a changed file marks the dataset tampered, starts an
   * audit and refuses, whatever the engine said). `beforeStart` runs when the slot is granted (a
   * late caller's work is cancelled there). STORAGE.BUSY when the queue is full.
   */
  async computeChecked<T>(dataset: GatedDataset, work: () => Promise<T>, beforeStart: () => void = () => undefined): Promise<T> {
    const [hash, computed] = await this.queued(() => {
      beforeStart();
      return Promise.allSettled([
        inSpan(UseCaseSpan.SiteRehash, SpanKind.INTERNAL, {}, () => this.files.hashObject(dataset.sha256)),
        inSpan(UseCaseSpan.SiteEngine, SpanKind.INTERNAL, {}, work),
      ]);
    });
    if (hash.status === 'rejected' || hash.value.sha256 !== dataset.onChain.sha256) {
      await this.markTampered(dataset.id, dataset.version);
      throw tampered(dataset.id);
    }
    if (computed.status === 'rejected') {
      const failure: unknown = computed.reason;
      // The engine's own text quotes rows and paths: it goes to this site's log, never into the reply.
      if (failure instanceof EngineReadError) {
        this.log.error({ datasetId: dataset.id, version: dataset.version, code: failure.code, engine: failure.engineText }, 'the engine could not read the stored file');
      }
      throw failure;
    }
    return computed.value;
  }

  /** `work` in a slot of the node's one queue of file work (STORAGE.BUSY when the queue is full), without a re-hash. */
  async queued<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await this.queue.run(work);
    } catch (error) {
      if (!(error instanceof SemaphoreFull)) throw error;
      throw new PhdmfError(StorageErrorCode.BUSY, `node is busy: ${error.waiting} requests already wait their turn`, { retryAfterSeconds: 1 });
    }
  }

  private async markTampered(datasetId: string, version: number): Promise<void> {
    await this.datasets.update(datasetId, (d) => {
      d.tampered = true;
    });
    this.log.error({ datasetId, version }, 'stored file differs from its on-chain hash; answer refused, audit started');
    void this.runAudit.execute('nats').catch((error: unknown) => {
      this.log.error({ err: error }, 'audit after a hash mismatch failed');
    });
  }
}

/**
 * What every signed answer of this node says before its numbers: who computed what, for whom,
 * under which policy. `computeMillis` is set last by the caller.
 */
export function signedHead(
  settings: StorageSettings,
  request: { analysisId: string; requester: string },
  dataset: { id: string; version: number; sha256: string },
  grantRequestId: string,
  rowCount: number,
): Omit<StorageSummarize.SummaryBody, 'columns'> {
  const policy = settings.disclosure;
  return {
    nodeId: settings.nodeId,
    organisationId: settings.organisationId,
    analysisId: request.analysisId,
    datasetId: dataset.id,
    datasetVersion: dataset.version,
    sha256: dataset.sha256,
    requester: request.requester,
    grantRequestId,
    rowCount,
    computedAt: new Date().toISOString(),
    computeMillis: 0,
    policy: {
      minCount: policy.minCount,
      exactMinMax: policy.exactMinMax,
      quantileBand: [policy.quantileLow, policy.quantileHigh],
      maxHistogramBins: policy.maxHistogramBins,
      minMaxNoise: policy.minMaxNoise,
    },
  };
}

/**
 * A researcher's own request must be for themself; services (aggregation) act for the requester
 * they name. STORAGE.REQUESTER_MISMATCH otherwise.
 */
export function checkRequester(requester: string, actor: ActorHeader | undefined): void {
  if (actor !== undefined && !actor.roles.includes('service') && actor.userId !== requester) {
    throw new PhdmfError(StorageErrorCode.REQUESTER_MISMATCH, 'the requester named in the request is not the acting user');
  }
}

export function tampered(datasetId: string): PhdmfError {
  return new PhdmfError(StorageErrorCode.DATASET_TAMPERED, `dataset "${datasetId}" does not match its on-chain hash and is refused until a good version is uploaded`, { datasetId });
}
