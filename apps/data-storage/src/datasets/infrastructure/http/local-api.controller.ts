import { applyDecorators, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { isSafeText, LedgerLimits, PhdmfError, safeTextProblem, StorageErrorCode, type Page, type StorageRunAudit } from '@phdmf/contracts';
import { validatePayload } from '@phdmf/messaging';
import type { ColumnGrid } from '@phdmf/statistics';
import { DeleteDatasetHandler } from '../../commands/delete-dataset/delete-dataset.handler';
import { ReleaseDatasetHandler } from '../../commands/release-dataset/release-dataset.handler';
import { RunAuditHandler } from '../../commands/run-audit/run-audit.handler';
import { UploadDatasetHandler, type UploadFormat, type UploadMeta } from '../../commands/upload-dataset/upload-dataset.handler';
import type { DatasetView } from '../../domain/dataset-view';
import type { LocalUser } from '../../domain/local-user';
import { DownloadDatasetHandler } from '../../queries/download-dataset/download-dataset.handler';
import { GetDatasetHandler } from '../../queries/get-dataset/get-dataset.handler';
import { ListDatasetsHandler } from '../../queries/list-datasets/list-datasets.handler';
import { LocalUserGuard, requireAdmin, type RequestWithUser } from './local-user.guard';
import { DatasetListParams } from './dataset-list-params';
import { AuditResponse, DatasetListResponse, DatasetResponse } from './openapi';

const DATASET_ID = /^ds-[0-9a-f-]{36}$/;

/** The IANA media type of Parquet (2024); `application/x-parquet` is accepted too. */
const PARQUET_TYPE = 'application/vnd.apache.parquet';

/** What an upload (first or new version) takes and answers, documented once for both routes. */
function ApiUpload(): MethodDecorator {
  return applyDecorators(
    ApiConsumes('text/csv', PARQUET_TYPE),
    ApiBody({ description: 'The file itself (streamed to disk)', schema: { type: 'string', format: 'binary' } }),
    ApiQuery({ name: 'name', required: false, description: 'The dataset\'s name (first upload)' }),
    ApiQuery({ name: 'description', required: false, description: 'Release note (recorded on-chain)' }),
    ApiQuery({ name: 'fileName', required: false, description: 'Default dataset.csv' }),
    ApiQuery({ name: 'grid', required: false, isArray: true, description: 'A column\'s histogram grid, `<column>:<lower>:<upper>:<binWidth>`, repeatable' }),
    ApiCreatedResponse({ type: DatasetResponse, description: 'Stored and committed on the ledger' }),
    ApiAcceptedResponse({ type: DatasetResponse, description: 'Stored, not (yet) released: ledgerStatus says whether it waits for the ledger or was refused' }),
  );
}

/**
 * The node's local HTTP API, for its own institution's staff only. It is the one way raw data
 * enters or leaves the node. Uploads are the request body itself (Content-Type: text/csv),
 * streamed to disk: `curl --data-binary @file.csv -H 'Content-Type: text/csv' …/datasets?name=…`.
 */
@ApiTags('datasets')
@ApiBearerAuth()
@Controller('datasets')
@UseGuards(LocalUserGuard)
export class LocalApiController {
  constructor(
    private readonly listDatasets: ListDatasetsHandler,
    private readonly getDataset: GetDatasetHandler,
    private readonly downloadDataset: DownloadDatasetHandler,
    private readonly uploadDataset: UploadDatasetHandler,
    private readonly releaseDataset: ReleaseDatasetHandler,
    private readonly deleteDataset: DeleteDatasetHandler,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The site\'s datasets, newest first (by creation time, then id), a page at a time (`limit`, `cursor`: the edge\'s lists\' envelope)' })
  @ApiOkResponse({ type: DatasetListResponse })
  list(@Query() query: DatasetListParams): Promise<Page<DatasetView>> {
    // The type documents the parameters; the site has no global pipe, so the raw query is checked here as a bus
    // payload is (`limit` canonical decimal, unknown parameters refused: VALIDATION.FAILED naming each).
    const { includeDeleted, limit, cursor } = validatePayload(DatasetListParams, query);
    return this.listDatasets.execute(includeDeleted === 'true', { limit, cursor });
  }

  @Post()
  @ApiOperation({ summary: 'Upload a new dataset (CSV or Parquet as the request body) and release it on the ledger' })
  @ApiUpload()
  async upload(@Req() req: RequestWithUser, @Res({ passthrough: true }) res: Response, @Query() q: Record<string, unknown>): Promise<DatasetView> {
    const view = await this.uploadDataset.execute(user(req), req, { ...uploadMeta(req, q), format: uploadFormat(req) });
    res.status(statusOf(view));
    return view;
  }

  @Get(':id')
  @ApiParam({ name: 'id', description: 'Dataset id', schema: { type: 'string', pattern: DATASET_ID.source } })
  @ApiOkResponse({ type: DatasetResponse })
  get(@Param('id') id: string): Promise<DatasetView> {
    return this.getDataset.execute(datasetId(id));
  }

  @Post(':id/versions')
  @ApiOperation({ summary: 'Upload a new version of a dataset and release it on the ledger' })
  @ApiParam({ name: 'id', description: 'Dataset id', schema: { type: 'string', pattern: DATASET_ID.source } })
  @ApiUpload()
  async uploadVersion(@Req() req: RequestWithUser, @Res({ passthrough: true }) res: Response, @Param('id') id: string, @Query() q: Record<string, unknown>): Promise<DatasetView> {
    const view = await this.uploadDataset.execute(user(req), req, { ...uploadMeta(req, q), format: uploadFormat(req), datasetId: datasetId(id) });
    res.status(statusOf(view));
    return view;
  }

  @Post(':id/release')
  @HttpCode(200)
  @ApiOperation({ summary: 'Release (again) a version the ledger has not committed yet' })
  @ApiParam({ name: 'id', description: 'Dataset id', schema: { type: 'string', pattern: DATASET_ID.source } })
  @ApiOkResponse({ type: DatasetResponse })
  release(@Req() req: RequestWithUser, @Param('id') id: string): Promise<DatasetView> {
    return this.releaseDataset.execute(user(req), datasetId(id));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a dataset (its admins): the files go, the ledger records the deletion' })
  @ApiParam({ name: 'id', description: 'Dataset id', schema: { type: 'string', pattern: DATASET_ID.source } })
  @ApiQuery({ name: 'description', required: false })
  @ApiOkResponse({ type: DatasetResponse, description: 'Deleted' })
  @ApiAcceptedResponse({ type: DatasetResponse, description: 'The deletion waits for the ledger (ledgerStatus pending)' })
  async remove(@Req() req: RequestWithUser, @Res({ passthrough: true }) res: Response, @Param('id') id: string, @Query('description') description?: string): Promise<DatasetView> {
    const u = user(req);
    requireAdmin(u);
    const view = await this.deleteDataset.execute(u, datasetId(id), text('description', description ?? 'deleted by the owner', LedgerLimits.description, { allowEmpty: true, multiline: true }));
    // 200: deleted; 202: the deletion waits for the ledger (ledgerStatus "pending"), the dataset stays until then.
    res.status(view.state === 'deleted' ? 200 : 202);
    return view;
  }

  @Get(':id/download')
  @ApiOperation({ summary: 'Download a version (default: the latest); Repr-Digest carries its SHA-256' })
  @ApiParam({ name: 'id', description: 'Dataset id', schema: { type: 'string', pattern: DATASET_ID.source } })
  @ApiQuery({ name: 'version', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiProduces('text/csv', PARQUET_TYPE)
  @ApiOkResponse({ description: 'The file', schema: { type: 'string', format: 'binary' } })
  async download(@Param('id') id: string, @Query('version') version: string | undefined, @Res() res: Response): Promise<void> {
    const v = version === undefined ? undefined : Number(version);
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new PhdmfError(StorageErrorCode.REQUEST_INVALID, 'version must be a positive integer');
    const file = await this.downloadDataset.execute(datasetId(id), v);
    res.status(200);
    res.setHeader('Content-Type', file.format === 'parquet' ? PARQUET_TYPE : 'text/csv; charset=utf-8');
    res.setHeader('Content-Length', String(file.sizeBytes));
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
    res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`);
    res.setHeader('X-Dataset-Version', String(file.version));
    res.setHeader('Cache-Control', 'no-store');
    file.stream.on('error', () => res.destroy());
    file.stream.pipe(res);
  }
}

/** The node's on-demand audit for its own admins. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
@UseGuards(LocalUserGuard)
export class LocalAuditController {
  constructor(private readonly runAudit: RunAuditHandler) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-hash every stored file against the ledger now (its admins); mismatches are recorded on-chain as tamper findings' })
  @ApiOkResponse({ type: AuditResponse })
  run(@Req() req: RequestWithUser): Promise<StorageRunAudit.Result> {
    requireAdmin(user(req));
    return this.runAudit.execute('local-api');
  }
}

function user(req: RequestWithUser): LocalUser {
  if (!req.localUser) throw new PhdmfError('AUTH.TOKEN_INVALID', 'not authenticated');
  return req.localUser;
}

function statusOf(view: DatasetView): number {
  // 201: stored and committed on the ledger; 202: stored, but not (yet) released — ledgerStatus says
  // whether it waits for the ledger (pending: retried by the site itself) or was refused (failed).
  return view.versions?.find((v) => v.version === view.latestVersion)?.release.state === 'committed' ? 201 : 202;
}


function uploadFormat(req: RequestWithUser): UploadFormat {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === PARQUET_TYPE || type === 'application/x-parquet') return 'parquet';
  throw new PhdmfError(StorageErrorCode.UNSUPPORTED_MEDIA_TYPE, `upload the file as the request body with Content-Type text/csv or ${PARQUET_TYPE}`);
}

function uploadMeta(req: RequestWithUser, q: Record<string, unknown>): Omit<UploadMeta, 'datasetId' | 'format'> {
  const fileName = text('fileName', q.fileName ?? 'dataset.csv', LedgerLimits.fileName, { allowEmpty: false, multiline: false });
  const length = req.headers['content-length'];
  return {
    ...(q.grid !== undefined ? { grids: grids(q.grid) } : {}),
    ...(q.name !== undefined ? { name: text('name', q.name, LedgerLimits.name, { allowEmpty: false, multiline: false }) } : {}),
    description: text('description', q.description ?? '', LedgerLimits.description, { allowEmpty: true, multiline: true }),
    fileName,
    ...(length !== undefined && /^\d+$/.test(length) ? { declaredLength: Number(length) } : {}),
  };
}

/**
 * The owner's histogram grids: `grid=<column>:<lower>:<upper>:<binWidth>`, repeatable (the column
 * name may itself hold colons: the last three parts are the numbers).
 */
function grids(value: unknown): Map<string, ColumnGrid> {
  const out = new Map<string, ColumnGrid>();
  for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
    const parts = text('grid', item, LedgerLimits.columnName + 100, { allowEmpty: false, multiline: false }).split(':');
    const numbers = parts.slice(-3).map((p) => (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(p) ? Number(p) : NaN));
    const column = parts.slice(0, -3).join(':');
    const [lower, upper, binWidth] = numbers;
    if (parts.length < 4 || column === '' || lower === undefined || upper === undefined || binWidth === undefined || numbers.some((n) => !Number.isFinite(n))) {
      throw new PhdmfError(StorageErrorCode.REQUEST_INVALID, 'grid must be <column>:<lower>:<upper>:<binWidth> with finite numbers');
    }
    if (out.has(column)) throw new PhdmfError(StorageErrorCode.REQUEST_INVALID, `grid: column "${column}" is given twice`);
    out.set(column, { lower, upper, binWidth });
  }
  return out;
}

/** Text by the platform's one rule (`isSafeText`: no control characters; tab and line breaks only when multiline). */
function text(field: string, value: unknown, max: number, options: { allowEmpty: boolean; multiline: boolean }): string {
  if (typeof value !== 'string' || value.length > max || (!options.allowEmpty && value.length === 0) || !isSafeText(value, options.multiline)) {
    throw new PhdmfError(StorageErrorCode.REQUEST_INVALID, `${field} must be text of at most ${max} characters that ${safeTextProblem(options.multiline).replace(/^must be/, 'is')}`);
  }
  return value;
}

function datasetId(id: string): string {
  if (!DATASET_ID.test(id)) throw new PhdmfError(StorageErrorCode.DATASET_NOT_FOUND, `no dataset "${id.slice(0, 80)}" at this node`);
  return id;
}
