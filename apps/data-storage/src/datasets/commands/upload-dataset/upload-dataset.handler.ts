import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { LEDGER_ID_PATTERN, PhdmfError, StorageErrorCode } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { STORAGE_SETTINGS, type StorageSettings } from '../../../storage.settings';
import { LedgerIntents, schemaDigest } from '../../application/ledger-intents';
import { actorOf } from '../../application/local-access';
import { defaultGrid, gridProblem, type ColumnGrid } from '@phdmf/statistics';
import type { ColumnSchema, CsvSchema } from '../../domain/csv-schema';
import { CsvInspection } from '../../infrastructure/csv/csv-inspection';
import type { DatasetView } from '../../domain/dataset-view';
import type { LocalUser } from '../../domain/local-user';
import { datasetNotFound, EngineReadError, UploadTooLargeError } from '../../domain/storage-errors';
import { FileStore, ioFailure, type StagedFile } from '../../infrastructure/files/file-store';
import { DatasetRow, DatasetVersionRow, type FileFormat } from '../../infrastructure/persistence/dataset.entity';
import { DatasetRepository } from '../../infrastructure/persistence/dataset.repository';
import { LedgerIntentRepository } from '../../infrastructure/persistence/ledger-intent.repository';
import type { SummaryEngine } from '../../infrastructure/engine/summary-engine';
import type { KeyedLock } from '../../application/keyed-lock';
import { FILE_STORE, OBJECT_LOCKS, STORAGE_LOGGER, SUMMARY_ENGINE } from '../../storage.tokens';

/** The encodings a node accepts: CSV (validated while streaming) and Parquet (read by DuckDB). */
export type UploadFormat = 'csv' | 'parquet';

/** What an upload says about its file besides the bytes. */
export interface UploadMeta {
  datasetId?: string;
  name?: string;
  description: string;
  fileName: string;
  declaredLength?: number;
  format?: UploadFormat;
  /** The owner's own histogram grids per numeric column, replacing the defaults from inspection. */
  grids?: ReadonlyMap<string, ColumnGrid>;
}

/**
 * Stores an uploaded file (CSV or Parquet) and releases it on the ledger: a new dataset when
 * `meta.datasetId` is absent, otherwise a new version of that dataset. The body is read as a stream,
 * never buffered whole.
 */
@Injectable()
export class UploadDatasetHandler {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly intents: LedgerIntents,
    private readonly owed: LedgerIntentRepository,
    @Inject(FILE_STORE) private readonly files: FileStore,
    @Inject(OBJECT_LOCKS) private readonly locks: KeyedLock,
    @Inject(SUMMARY_ENGINE) private readonly engine: SummaryEngine,
    @Inject(STORAGE_SETTINGS) private readonly settings: StorageSettings,
    @Inject(STORAGE_LOGGER) private readonly log: Logger,
  ) {}

  async execute(user: LocalUser, body: Readable, meta: UploadMeta): Promise<DatasetView> {
    if (!LEDGER_ID_PATTERN.test(user.userId)) {
      throw new PhdmfError(StorageErrorCode.REQUEST_INVALID, 'the user id cannot be recorded on the ledger as an operator');
    }
    // Refuse early when the client says how much it will send; the streaming check below still holds.
    if (meta.declaredLength !== undefined && meta.declaredLength > this.settings.uploadMaxBytes) {
      throw new UploadTooLargeError(this.settings.uploadMaxBytes);
    }
    const existing = meta.datasetId === undefined ? undefined : await this.datasets.find(meta.datasetId);
    if (meta.datasetId !== undefined && (!existing || existing.state === 'deleted')) throw datasetNotFound(meta.datasetId);

    const format = meta.format ?? 'csv';
    // CSV is checked byte by byte as it streams in, in the inspection's own thread; Parquet keeps its
    // schema in a footer, so only its magic bytes can be checked on the way and DuckDB reads the rest
    // once the file is complete.
    const inspection = format === 'csv' ? new CsvInspection() : undefined;
    let schema: CsvSchema;
    let staged: StagedFile;
    try {
      let first = true;
      const inspect = (chunk: Buffer): Promise<void> | undefined => {
        if (inspection) return inspection.inspect(chunk);
        if (first) {
          first = false;
          if (chunk.length < 4 || chunk.toString('latin1', 0, 4) !== 'PAR1') {
            throw new PhdmfError(StorageErrorCode.PARQUET_INVALID, 'the file does not start with the Parquet magic bytes PAR1');
          }
        }
        return undefined;
      };
      try {
        staged = await this.files.stage(body, { limitBytes: this.settings.uploadMaxBytes, inspect });
      } catch (error) {
        throw ioFailure(error);
      }
      try {
        if (inspection) schema = await inspection.finish();
        else {
          if (staged.sizeBytes === 0) throw new PhdmfError(StorageErrorCode.PARQUET_INVALID, 'the file is empty');
          schema = await this.engine.inspectParquet(staged.tempPath);
        }
        const { ranges, ...described } = schema;
        schema = { ...described, columns: await this.declareGrids(staged.tempPath, format, schema.columns, ranges, meta.grids ?? new Map()) };
      } catch (error) {
        await this.files.discard(staged);
        // DuckDB's text names the temporary file's path: the site's log keeps it, the answer does not.
        if (error instanceof EngineReadError) this.log.warn({ code: error.code, engine: error.engineText }, 'the uploaded Parquet file was refused');
        throw error;
      }
    } finally {
      await inspection?.close();
    }
    const datasetId = existing?.id ?? `ds-${randomUUID()}`;
    // From "file under its hash" to "row that points at it", no deletion of the same hash may run.
    const { version } = await this.locks.run(staged.sha256, () => this.record(staged, schema, format, datasetId, existing !== undefined, user, meta));
    this.log.info({ datasetId, version: version.version, sha256: version.sha256, bytes: version.sizeBytes, rows: version.rowCount, directIo: staged.directIo }, 'dataset version stored');
    // The release is owed from here on (its intent committed with the row); try it now, so that a
    // ledger that answers gives a 201. One that does not leaves it to the worker: a 202, "waiting".
    await this.intents.drain(datasetId);
    const stored = await this.datasets.find(datasetId);
    if (!stored) throw datasetNotFound(datasetId);
    return this.datasets.view(stored, true);
  }

  /**
   * The declaration of each numeric column — the histogram grid that goes on-chain with the schema:
   * the owner's own (`declared`), else the default from the data's range, rounded outwards
   * (`defaultGrid`). The upload's answer shows it with the schema.
   */
  private async declareGrids(
    file: string,
    format: FileFormat,
    columns: ColumnSchema[],
    inspected: CsvSchema['ranges'],
    declared: ReadonlyMap<string, ColumnGrid>,
  ): Promise<ColumnSchema[]> {
    for (const [name, grid] of declared) {
      if (columns.find((c) => c.name === name)?.type !== 'numeric') throw new PhdmfError(StorageErrorCode.REQUEST_INVALID, `grid: "${name}" is not a numeric column of the file`);
      const problem = gridProblem(grid);
      if (problem !== undefined) throw new PhdmfError(StorageErrorCode.REQUEST_INVALID, `grid of "${name}": ${problem}`);
    }
    const numeric = columns.flatMap((c, i) => (c.type === 'numeric' && !declared.has(c.name) ? [i] : []));
    // A CSV's ranges were read while it streamed in; a Parquet file's come from DuckDB.
    const { columns: ranges } =
      inspected !== undefined
        ? { columns: [...inspected].map(([name, r]) => ({ name, ...r })) }
        : numeric.length === 0
          ? { columns: [] }
          : await this.engine.summarize({ file, format, schema: columns, columns: numeric, moments: false, minMax: true, probabilities: [], histograms: new Map() });
    const grids = new Map<string, ColumnGrid>([
      ...ranges.flatMap((r) => (r.min !== undefined && r.max !== undefined && !declared.has(r.name) ? [[r.name, defaultGrid(r.min, r.max)] as const] : [])),
      ...declared,
    ]);
    return columns.map((c) => {
      const grid = grids.get(c.name);
      return grid === undefined ? c : { ...c, grid };
    });
  }

  private async record(
    staged: StagedFile,
    schema: CsvSchema,
    format: 'csv' | 'parquet',
    datasetId: string,
    isUpdate: boolean,
    user: LocalUser,
    meta: UploadMeta,
  ): Promise<{ dataset: DatasetRow; version: DatasetVersionRow }> {
    try {
      await this.files.commit(staged);
    } catch (error) {
      await this.files.discard(staged);
      throw ioFailure(error);
    }

    const now = new Date();
    try {
      return await this.datasets.fork().transactional(async (em) => {
        let d = isUpdate ? await em.findOneOrFail(DatasetRow, { id: datasetId }) : undefined;
        if (!d) {
          d = em.create(DatasetRow, {
            id: datasetId,
            name: meta.name ?? meta.fileName,
            ownerOrganisationId: this.settings.organisationId,
            createdBy: user.userId,
            createdAt: now,
            updatedAt: now,
            state: 'unreleased',
            releasedVersion: null,
            latestVersion: 0,
            tamperFindingId: null,
            tampered: false,
            lastErrorCode: null,
            lastError: null,
            deletedAt: null,
            deleteTxId: null,
          });
        }
        if (meta.name !== undefined) d.name = meta.name;
        d.latestVersion += 1;
        d.updatedAt = now;
        const v = em.create(DatasetVersionRow, {
          datasetId,
          version: d.latestVersion,
          sha256: staged.sha256,
          sizeBytes: staged.sizeBytes,
          format,
          fileName: meta.fileName,
          rowCount: schema.rowCount,
          columnCount: schema.columns.length,
          schemaJson: JSON.stringify(schema.columns),
          schemaDigest: schemaDigest(schema.columns),
          operator: user.userId,
          description: meta.description,
          createdAt: now,
          releaseState: 'pending',
          releaseErrorCode: null,
          releaseError: null,
          txId: null,
          blockNumber: null,
          committedAt: null,
          purged: false,
        });
        em.persist([d, v]);
        this.owed.add(em, { kind: 'release', datasetId, version: v.version, actor: actorOf(user) }, now);
        await Promise.resolve();
        return { dataset: d, version: v };
      });
    } catch (error) {
      // No record, so no file — unless another version already holds the same bytes. If even that
      // cannot be read, the file stays: an orphan costs disk space, deleting a shared file loses data.
      const inUse = await this.hashUsed(datasetId, staged.sha256).catch(() => true);
      if (!inUse) await this.files.remove(staged.sha256);
      else this.log.warn({ datasetId, sha256: staged.sha256 }, 'upload not recorded; its file is kept because it may be shared');
      throw error;
    }
  }

  private async hashUsed(datasetId: string, sha256: string): Promise<boolean> {
    if (await this.datasets.hashInUse(sha256, datasetId)) return true;
    return (await this.datasets.versions(datasetId)).some((v) => v.sha256 === sha256 && !v.purged);
  }
}
