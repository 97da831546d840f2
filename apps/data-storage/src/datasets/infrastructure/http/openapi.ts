// The site's local API, documented: its own OpenAPI document, served by the site (`/openapi.json`,
// browsable at `/docs`). The wire types are interfaces (the domain's views, the contracts' audit
// result); each class here implements its own and is held to exactly its fields below, so a field
// added to a view fails the type check until it is documented.
import type { INestApplication } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DATASET_ID_PATTERN, ERROR_CODE_PATTERN, PageOf, type DocumentsExactly, type Page, type StorageRunAudit } from '@phdmf/contracts';
import { SOFTWARE_VERSION } from '@phdmf/messaging';
import type { ColumnGrid } from '@phdmf/statistics';
import type { ColumnSchema } from '../../domain/csv-schema';
import type { DatasetVersionView, DatasetView } from '../../domain/dataset-view';

const COUNT = { type: 'integer', minimum: 0 } as const;
const VERSION = { type: 'integer', minimum: 1 } as const;

export class SiteErrorDetail {
  @ApiProperty({ pattern: ERROR_CODE_PATTERN.source, example: 'STORAGE.CSV_INVALID' }) code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) details?: Record<string, unknown>;
}

export class SiteErrorResponse {
  @ApiProperty({ type: SiteErrorDetail }) error!: SiteErrorDetail;
}

export class ColumnGridResponse implements ColumnGrid {
  @ApiProperty() lower!: number;
  @ApiProperty() upper!: number;
  @ApiProperty({ minimum: 0, exclusiveMinimum: true }) binWidth!: number;
}

export class ColumnSchemaResponse implements ColumnSchema {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['numeric', 'categorical', 'date'] }) type!: ColumnSchema['type'];
  @ApiPropertyOptional({ enum: [true], description: 'Every value an integer that fits 64 bits' }) integer?: true;
  @ApiPropertyOptional({ type: ColumnGridResponse, description: 'A numeric column\'s declared histogram grid (recorded on-chain)' }) grid?: ColumnGridResponse;
}

type Release = DatasetVersionView['release'];

export class ReleaseResponse implements Release {
  @ApiProperty({ enum: ['pending', 'committed', 'failed'], description: 'pending: owed to the ledger and retried; committed: on-chain; failed: the ledger refused it' }) state!: Release['state'];
  @ApiPropertyOptional() txId?: string;
  @ApiPropertyOptional(COUNT) blockNumber?: number;
  @ApiPropertyOptional({ format: 'date-time' }) committedAt?: string;
  @ApiPropertyOptional() errorCode?: string;
  @ApiPropertyOptional() error?: string;
}

export class DatasetVersionResponse implements DatasetVersionView {
  @ApiProperty(VERSION) version!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256!: string;
  @ApiProperty(COUNT) sizeBytes!: number;
  @ApiProperty({ enum: ['csv', 'parquet'] }) format!: DatasetVersionView['format'];
  @ApiProperty() fileName!: string;
  @ApiProperty(COUNT) rowCount!: number;
  @ApiProperty({ type: [ColumnSchemaResponse] }) columns!: ColumnSchemaResponse[];
  @ApiProperty() description!: string;
  @ApiProperty() operator!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: ReleaseResponse }) release!: ReleaseResponse;
}

export class LedgerErrorResponse {
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
}

export class DatasetResponse implements DatasetView {
  @ApiProperty({ pattern: DATASET_ID_PATTERN.source }) datasetId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() organisationId!: string;
  @ApiProperty({ enum: ['unreleased', 'released', 'deleted'] }) state!: DatasetView['state'];
  @ApiProperty({ ...VERSION, nullable: true }) releasedVersion!: number | null;
  @ApiProperty(VERSION) latestVersion!: number;
  @ApiProperty() tampered!: boolean;
  @ApiPropertyOptional() tamperFindingId?: string;
  @ApiProperty({ enum: ['pending', 'committed', 'failed'], description: 'Where the dataset\'s ledger writes stand: pending (owed and retried), failed (refused; lastError), committed' })
  ledgerStatus!: DatasetView['ledgerStatus'];
  @ApiPropertyOptional({ type: LedgerErrorResponse }) lastError?: LedgerErrorResponse;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) deletedAt?: string;
  @ApiPropertyOptional({ type: [DatasetVersionResponse] }) versions?: DatasetVersionResponse[];
}

export class AuditMismatchResponse implements StorageRunAudit.Mismatch {
  @ApiProperty({ pattern: DATASET_ID_PATTERN.source }) datasetId!: string;
  @ApiProperty(VERSION) version!: number;
  @ApiProperty() expectedSha256!: string;
  @ApiProperty() foundSha256!: string;
  @ApiPropertyOptional() findingId?: string;
  @ApiPropertyOptional() findingError?: string;
}

export class AuditUnreadableResponse {
  @ApiProperty({ pattern: DATASET_ID_PATTERN.source }) datasetId!: string;
  @ApiProperty(VERSION) version!: number;
  @ApiProperty() problem!: string;
}

export class AuditResponse implements StorageRunAudit.Result {
  @ApiProperty() nodeId!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) finishedAt!: string;
  @ApiProperty(COUNT) filesChecked!: number;
  @ApiProperty(COUNT) bytesHashed!: number;
  @ApiProperty({ type: [AuditMismatchResponse] }) mismatches!: AuditMismatchResponse[];
  @ApiProperty({ type: [AuditUnreadableResponse] }) unreadable!: AuditUnreadableResponse[];
}

/** `GET /datasets`: a page, in the envelope of every PHDMF list. */
export class DatasetListResponse extends PageOf(DatasetResponse, 'DatasetListResponse') implements Page<DatasetView> {}

const _documentedExactly: [
  DocumentsExactly<ColumnGridResponse, ColumnGrid>,
  DocumentsExactly<ColumnSchemaResponse, ColumnSchema>,
  DocumentsExactly<ReleaseResponse, Release>,
  DocumentsExactly<DatasetVersionResponse, DatasetVersionView>,
  DocumentsExactly<LedgerErrorResponse, NonNullable<DatasetView['lastError']>>,
  DocumentsExactly<DatasetResponse, DatasetView>,
  DocumentsExactly<DatasetListResponse, Page<DatasetView>>,
  DocumentsExactly<AuditMismatchResponse, StorageRunAudit.Mismatch>,
  DocumentsExactly<AuditUnreadableResponse, StorageRunAudit.Result['unreadable'][number]>,
  DocumentsExactly<AuditResponse, StorageRunAudit.Result>,
] = [true, true, true, true, true, true, true, true, true, true];

/** The site's document, served at `/openapi.json` and browsable at `/docs`; every operation falls back to the error shape. */
export function setUpSiteOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('PHDMF storage site: local API')
      .setDescription('For the institution\'s own staff: uploads, versions, releases, downloads, deletions and audits. Every error answers `{ error: { code, message, details? } }` with a stable code.')
      .setVersion(SOFTWARE_VERSION)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
    { extraModels: [SiteErrorResponse] },
  );
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item)) {
      if (typeof op !== 'object' || op === null || !('responses' in op)) continue;
      const responses = (op as { responses: Record<string, unknown> }).responses;
      responses.default ??= { description: 'Error (4xx/5xx) with a stable code', content: { 'application/json': { schema: { $ref: '#/components/schemas/SiteErrorResponse' } } } };
    }
  }
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
}
