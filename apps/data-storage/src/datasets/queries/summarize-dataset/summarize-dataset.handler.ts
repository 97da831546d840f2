import { Inject } from '@nestjs/common';
import { CommandBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { grantCoversVersion, LedgerChaincodeErrorCode, PhdmfError, StorageErrorCode, type LedgerStatistic, type NodeSignature, StorageSummarize } from '@phdmf/contracts';
import { countWithheld, inSpan, inSpanSync, SpanKind, UseCaseSpan } from '@phdmf/observability';
import { Correlation, type Logger } from '@phdmf/logging';
import { refuseIfLate } from '@phdmf/messaging';
import { edgesOnGrid, noisyColumnSummary } from '@phdmf/statistics';
import { STORAGE_SETTINGS, type StorageSettings } from '../../../storage.settings';
import { RunAuditCommand } from '../../commands/run-audit/run-audit.command';
import { Semaphore, SemaphoreFull } from '../../application/semaphore';
import type { ColumnSchema } from '../../domain/csv-schema';
import { applyDisclosure } from '../../domain/disclosure-policy';
import { plansFromReservation, refuseDpRequest, type DpColumnPlan } from '../../domain/dp-reservation';
import type { KeyedNoise } from '../../domain/keyed-noise';
import { datasetNotFound, EngineReadError } from '../../domain/storage-errors';
import type { SummaryEngine } from '../../infrastructure/engine/summary-engine';
import type { FileStore } from '../../infrastructure/files/file-store';
import { LedgerGateway } from '../../infrastructure/ledger/ledger-gateway';
import type { FileFormat } from '../../infrastructure/persistence/dataset.entity';
import { DatasetRepository, schemaOf } from '../../infrastructure/persistence/dataset.repository';
import type { NodeSigner } from '../../infrastructure/signing/node-signer';
import { FILE_STORE, NODE_SIGNER, DISCLOSURE_NOISE, STORAGE_LOGGER, SUMMARY_ENGINE } from '../../storage.tokens';
import { SummarizeDatasetQuery } from './summarize-dataset.query';

const MOMENTS: readonly LedgerStatistic[] = ['sum', 'mean', 'variance', 'sd'];

/**
 * Answers a summary request — the node's own gate, whoever sent it. In order: the request is
 * consistent; the dataset is here, released and not marked tampered; the ledger says a grant of
 * this requester covering these columns and statistics is in force, and gives the on-chain hash;
 * the file is re-hashed against that hash (while DuckDB computes, so the check costs no extra
 * wall time; the numbers are thrown away if the hash differs); disclosure control; signature.
 */
@QueryHandler(SummarizeDatasetQuery)
export class SummarizeDatasetHandler implements IQueryHandler<SummarizeDatasetQuery, StorageSummarize.Result> {
  private readonly gate: Semaphore;

  constructor(
    private readonly datasets: DatasetRepository,
    private readonly ledger: LedgerGateway,
    private readonly commands: CommandBus,
    @Inject(FILE_STORE) private readonly files: FileStore,
    @Inject(SUMMARY_ENGINE) private readonly engine: SummaryEngine,
    @Inject(NODE_SIGNER) private readonly signer: NodeSigner,
    @Inject(DISCLOSURE_NOISE) private readonly noise: KeyedNoise,
    @Inject(STORAGE_SETTINGS) private readonly settings: StorageSettings,
    @Inject(STORAGE_LOGGER) private readonly log: Logger,
  ) {
    // Only the file work waits for a slot; the ledger checks before it are cheap and run at once.
    this.gate = new Semaphore(settings.summaryConcurrency, settings.summaryQueueSize);
  }

  async execute({ request, actor }: SummarizeDatasetQuery): Promise<StorageSummarize.Result> {
    const started = performance.now();
    checkRequest(request, actor);
    const deadline = Correlation.current()?.deadline;
    refuseIfLate(SUMMARY, deadline);
    const dataset = await this.datasets.find(request.datasetId);
    if (!dataset || dataset.state === 'deleted') throw datasetNotFound(request.datasetId);
    if (dataset.releasedVersion === null) {
      throw new PhdmfError(StorageErrorCode.DATASET_NOT_RELEASED, `dataset "${dataset.id}" is not released on the ledger`);
    }
    if (dataset.tampered) throw tampered(dataset.id);
    const version = await this.datasets.version(dataset.id, dataset.releasedVersion);
    if (!version || version.purged) throw datasetNotFound(dataset.id);
    const schema = schemaOf(version);
    const indexOf = new Map(schema.map((c, i) => [c.name, i]));
    const unknown = request.columns.filter((c) => !indexOf.has(c));
    if (unknown.length > 0) {
      throw new PhdmfError(StorageErrorCode.COLUMN_UNKNOWN, `dataset "${dataset.id}" has no column ${unknown.map((c) => `"${c}"`).join(', ')}`);
    }

    // A dp request's reservation is read alongside the grant (one round trip less); used only if the grant is dp.
    const reservationRead =
      request.reservationTxId === undefined ? undefined : this.ledger.getReservation(request.analysisId).then((r) => ({ ok: true as const, r }), (error: unknown) => ({ ok: false as const, error }));
    const [access, onChain] = await inSpan(UseCaseSpan.SiteGrantCheck, SpanKind.INTERNAL, {}, () =>
      Promise.all([
        this.ledger.checkAccess({ datasetId: dataset.id, requester: request.requester, columns: request.columns, statistics: request.statistics }),
        this.ledger.getDataset(dataset.id),
      ]),
    );
    if (!access.inForce) throw new PhdmfError(access.code, access.reason, { datasetId: dataset.id, requester: request.requester });
    // The ledger checked it against its current version; the node checks against the version it will read.
    if (!grantCoversVersion(access.grant, version.version)) {
      throw new PhdmfError(LedgerChaincodeErrorCode.AccessVersionNotCovered, `the grant does not cover version ${version.version} of dataset "${dataset.id}"; the owner must renew it`, {
        datasetId: dataset.id,
        requester: request.requester,
      });
    }
    if (onChain.status === 'tampered') throw tampered(dataset.id);
    if (onChain.status === 'deleted') throw datasetNotFound(dataset.id);
    if (onChain.version !== version.version || onChain.sha256 !== version.sha256) {
      throw new PhdmfError(
        StorageErrorCode.DATASET_VERSION_MISMATCH,
        `the ledger holds version ${onChain.version} of dataset "${dataset.id}", this node released version ${version.version}`,
      );
    }

    const columnIndexes = request.columns.map((c) => indexOf.get(c) ?? -1);
    const asked = request.statistics;
    // Histograms only on the grid the owner declared on-chain: requested edges are rounded out to it,
    // and a column without a declaration gets none (DISCLOSURE.NO_GRID).
    const grids = new Map((onChain.columnGrids ?? []).map((g) => [g.column, g] as const));
    if (access.grant.grant?.privacyMode === 'dp') {
      // dp: only for the committed reservation that paid for exactly this; noise, never exact numbers.
      refuseDpRequest(request);
      const read = await (reservationRead ?? this.ledger.getReservation(request.analysisId).then((r) => ({ ok: true as const, r })));
      if (!read.ok) throw read.error;
      const reservation = read.r;
      const plans = plansFromReservation(request, reservation, { requestId: access.grant.requestId, datasetId: dataset.id, datasetVersion: version.version, grids });
      return this.summarizeDp(request, plans, { id: dataset.id, version: version.version, sha256: version.sha256, format: version.format, schema, indexOf, grantRequestId: access.grant.requestId, onChainSha256: onChain.sha256 }, deadline, started);
    }
    const onGrid = (asked.includes('histogram') ? (request.histograms ?? []) : []).flatMap((h) => {
      const grid = grids.get(h.column);
      return grid === undefined ? [] : [{ column: h.column, edges: edgesOnGrid(h.edges, grid) }];
    });
    const [hash, computed] = await this.runQueued(() => {
      // Waiting in the queue may have outlasted the caller: its summary is cancelled, not computed.
      refuseIfLate(SUMMARY, deadline);
      return Promise.allSettled([
        this.rehash(version.sha256),
        inSpan(UseCaseSpan.SiteEngine, SpanKind.INTERNAL, { 'phdmf.privacy.mode': 'controlled', 'phdmf.columns': columnIndexes.length }, () => this.engine.summarize({
          file: this.files.pathOf(version.sha256),
          format: version.format,
          schema,
          columns: columnIndexes,
          moments: asked.some((s) => MOMENTS.includes(s)),
          minMax: asked.includes('min') || asked.includes('max'),
          probabilities: asked.includes('quantiles') ? (request.probabilities ?? []) : [],
          histograms: new Map(onGrid.map((h) => [indexOf.get(h.column) ?? -1, h.edges] as const)),
        })),
      ]);
    });
    const values = await this.afterHash(hash, computed, dataset.id, version.version, onChain.sha256);

    const policy = this.settings.disclosure;
    const body: StorageSummarize.SummaryBody = {
      ...this.bodyHead(request, { id: dataset.id, version: version.version, sha256: version.sha256 }, access.grant.requestId, values.rowCount),
      columns: inSpanSync(UseCaseSpan.SiteDisclosure, { 'phdmf.privacy.mode': 'controlled' }, () =>
        values.columns.map((raw) =>
          applyDisclosure(policy, grids.has(raw.name) ? raw : { ...raw, gridless: true }, asked, (statistic) =>
            this.noise.uniform({ datasetId: dataset.id, datasetVersion: version.version, grantRequestId: access.grant.requestId, column: raw.name, statistic }),
          ),
        ),
      ),
    };
    // Measured last, so that it covers everything but the signature itself.
    body.computeMillis = Math.round((performance.now() - started) * 1000) / 1000;
    countWithheld(body.columns);
    this.log.info({ datasetId: dataset.id, analysisId: request.analysisId, requester: request.requester, columns: request.columns.length }, 'summary released');
    return { body, signature: this.sign(body) };
  }

  /**
   * A dp summary: the clamped, discretised aggregates from DuckDB (the file re-hashed meanwhile, as
   * for every summary), then fresh discrete Gaussian noise per planned quantity from node:crypto. The
   * signed body names the reservation; no exact number (not even the row count) leaves the site.
   */
  private async summarizeDp(
    request: StorageSummarize.Payload,
    plans: DpColumnPlan[],
    dataset: { id: string; version: number; sha256: string; format: FileFormat; schema: ColumnSchema[]; indexOf: Map<string, number>; grantRequestId: string; onChainSha256: string },
    deadline: number | undefined,
    started: number,
  ): Promise<StorageSummarize.Result> {
    const [hash, computed] = await this.runQueued(() => {
      refuseIfLate(SUMMARY, deadline);
      return Promise.allSettled([
        this.rehash(dataset.sha256),
        inSpan(UseCaseSpan.SiteEngine, SpanKind.INTERNAL, { 'phdmf.privacy.mode': 'dp', 'phdmf.columns': plans.length }, () =>
          this.engine.dpAggregates({
            file: this.files.pathOf(dataset.sha256),
            format: dataset.format,
            schema: dataset.schema,
            columns: plans.map((p) => ({ index: dataset.indexOf.get(p.column) ?? -1, grid: p.grid })),
          }),
        ),
      ]);
    });
    const aggregates = await this.afterHash(hash, computed, dataset.id, dataset.version, dataset.onChainSha256);
    const body: StorageSummarize.SummaryBody = {
      // The exact row count is not released in dp mode; the noisy count is in the columns.
      ...this.bodyHead(request, dataset, dataset.grantRequestId, 0),
      privacy: { mode: 'dp', reservationTxId: request.reservationTxId ?? '' },
      columns: inSpanSync(UseCaseSpan.SiteDisclosure, { 'phdmf.privacy.mode': 'dp' }, () =>
        plans.map((plan, i) => {
          const data = aggregates[i];
          if (data === undefined) throw new Error(`no dp aggregates for column ${plan.column}`);
          const type = dataset.schema[dataset.indexOf.get(plan.column) ?? -1]?.type ?? 'numeric';
          return { name: plan.column, type, noisy: noisyColumnSummary({ grid: plan.grid, data, planned: plan.planned }) };
        }),
      ),
    };
    body.computeMillis = Math.round((performance.now() - started) * 1000) / 1000;
    this.log.info({ datasetId: dataset.id, analysisId: request.analysisId, requester: request.requester, columns: request.columns.length, reservationTxId: request.reservationTxId }, 'dp summary released');
    return { body, signature: this.sign(body) };
  }

  /**
   * The computed numbers, once the file's hash equals the chain's. The hash decides first: numbers from
   * a changed file are never released, whatever DuckDB said (the dataset is marked tampered).
   */
  private async afterHash<T>(hash: PromiseSettledResult<{ sha256: string }>, computed: PromiseSettledResult<T>, datasetId: string, version: number, onChainSha256: string): Promise<T> {
    if (hash.status === 'rejected' || hash.value.sha256 !== onChainSha256) {
      await this.markTampered(datasetId, version);
      throw tampered(datasetId);
    }
    if (computed.status === 'rejected') {
      const failure: unknown = computed.reason;
      // The engine's own text quotes rows and paths: it goes to this site's log, never into the reply.
      if (failure instanceof EngineReadError) {
        this.log.error({ datasetId, version, code: failure.code, engine: failure.engineText }, 'the summary engine could not read the stored file');
      }
      throw failure;
    }
    return computed.value;
  }

  /** Re-hashes the stored file (streaming SHA-256), to be compared with the on-chain hash. */
  private rehash(sha256: string): Promise<{ sha256: string; bytes: number }> {
    return inSpan(UseCaseSpan.SiteRehash, SpanKind.INTERNAL, {}, () => this.files.hashObject(sha256));
  }

  /** Signs the body with the node key (Ed25519), the last step of every summary. */
  private sign(body: StorageSummarize.SummaryBody): NodeSignature {
    return inSpanSync(UseCaseSpan.SiteSignature, {}, () => this.signer.sign(body));
  }

  /** What every signed body says before its columns: who computed what, for whom, under which policy. */
  private bodyHead(
    request: StorageSummarize.Payload,
    dataset: { id: string; version: number; sha256: string },
    grantRequestId: string,
    rowCount: number,
  ): Omit<StorageSummarize.SummaryBody, 'columns'> {
    const policy = this.settings.disclosure;
    return {
      nodeId: this.settings.nodeId,
      organisationId: this.settings.organisationId,
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

  private async markTampered(datasetId: string, version: number): Promise<void> {
    await this.datasets.update(datasetId, (d) => {
      d.tampered = true;
    });
    this.log.error({ datasetId, version }, 'stored file differs from its on-chain hash; summary refused, audit started');
    void this.commands.execute(new RunAuditCommand('nats')).catch((error: unknown) => {
      this.log.error({ err: error }, 'audit after a hash mismatch failed');
    });
  }

  private async runQueued<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await this.gate.run(work);
    } catch (error) {
      if (!(error instanceof SemaphoreFull)) throw error;
      throw new PhdmfError(StorageErrorCode.BUSY, `node is busy: ${error.waiting} summaries already wait their turn`, { retryAfterSeconds: 1 });
    }
  }
}

/** What a late caller's refusal (MESSAGING.DEADLINE_EXCEEDED, from refuseIfLate) says was not done. */
const SUMMARY = 'the summary was computed';

function tampered(datasetId: string): PhdmfError {
  return new PhdmfError(StorageErrorCode.DATASET_TAMPERED, `dataset "${datasetId}" does not match its on-chain hash and is refused until a good version is uploaded`, { datasetId });
}

function invalid(message: string): PhdmfError {
  return new PhdmfError(StorageErrorCode.REQUEST_INVALID, message);
}

function checkRequest(request: StorageSummarize.Payload, actor: SummarizeDatasetQuery['actor']): void {
  // A researcher's own request must be for themself; services (aggregation) act for the requester they name.
  if (actor !== undefined && !actor.roles.includes('service') && actor.userId !== request.requester) {
    throw new PhdmfError(StorageErrorCode.REQUESTER_MISMATCH, 'the requester named in the request is not the acting user');
  }
  const problem = StorageSummarize.summaryRequestProblem(request);
  if (problem !== undefined) throw invalid(problem);
}
