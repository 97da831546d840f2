import { BigIntType, EntitySchema } from '@mikro-orm/core';

/** Where a dataset stands at this node. */
export type DatasetState = 'unreleased' | 'released' | 'deleted';

/** How a stored file is encoded. */
export type FileFormat = 'csv' | 'parquet';

/** Whether a version's on-chain record is committed. */
export type ReleaseState = 'pending' | 'committed' | 'failed';

/** A dataset held at this node: its latest state, with every version in DatasetVersionRow. */
export class DatasetRow {
  id!: string;
  name!: string;
  ownerOrganisationId!: string;
  createdBy!: string;
  createdAt!: Date;
  updatedAt!: Date;
  state!: DatasetState;
  /** The newest version whose on-chain record is committed (null before the first release). */
  releasedVersion!: number | null;
  /** The newest version stored here (committed or not). */
  latestVersion!: number;
  /** Set when an audit found the released file changed; cleared by a good new version. */
  tamperFindingId!: string | null;
  tampered!: boolean;
  /** The last ledger failure of an operation on the dataset (release, update, delete), shown to users. */
  lastErrorCode!: string | null;
  lastError!: string | null;
  deletedAt!: Date | null;
  deleteTxId!: string | null;
}

/** One uploaded version: the file (by its SHA-256), its schema and its on-chain release. */
export class DatasetVersionRow {
  id!: number;
  datasetId!: string;
  version!: number;
  sha256!: string;
  sizeBytes!: number;
  format!: FileFormat;
  fileName!: string;
  rowCount!: number;
  columnCount!: number;
  /** JSON of the column schema: [{ name, type }]. */
  schemaJson!: string;
  schemaDigest!: string;
  operator!: string;
  description!: string;
  createdAt!: Date;
  releaseState!: ReleaseState;
  releaseErrorCode!: string | null;
  releaseError!: string | null;
  txId!: string | null;
  blockNumber!: number | null;
  committedAt!: Date | null;
  /** The file was deleted from disk (dataset deleted). */
  purged!: boolean;
}

export const DatasetSchema = new EntitySchema<DatasetRow>({
  class: DatasetRow,
  tableName: 'storage_datasets',
  properties: {
    id: { type: 'string', primary: true, length: 128 },
    name: { type: 'string', length: 200 },
    ownerOrganisationId: { type: 'string', fieldName: 'owner_organisation_id', length: 128 },
    createdBy: { type: 'string', fieldName: 'created_by', length: 128 },
    createdAt: { type: 'datetime', fieldName: 'created_at' },
    updatedAt: { type: 'datetime', fieldName: 'updated_at' },
    state: { type: 'string', length: 16 },
    releasedVersion: { type: 'integer', fieldName: 'released_version', nullable: true },
    latestVersion: { type: 'integer', fieldName: 'latest_version' },
    tamperFindingId: { type: 'string', fieldName: 'tamper_finding_id', nullable: true, length: 128 },
    tampered: { type: 'boolean' },
    lastErrorCode: { type: 'string', fieldName: 'last_error_code', nullable: true, length: 64 },
    lastError: { type: 'text', fieldName: 'last_error', nullable: true },
    deletedAt: { type: 'datetime', fieldName: 'deleted_at', nullable: true },
    deleteTxId: { type: 'string', fieldName: 'delete_tx_id', nullable: true, length: 128 },
  },
});

export const DatasetVersionSchema = new EntitySchema<DatasetVersionRow>({
  class: DatasetVersionRow,
  tableName: 'storage_dataset_versions',
  uniques: [{ name: 'storage_dataset_versions_dataset_id_version_unique', properties: ['datasetId', 'version'] }],
  indexes: [{ name: 'storage_dataset_versions_sha256_index', properties: ['sha256'] }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    datasetId: { type: 'string', fieldName: 'dataset_id', length: 128 },
    version: { type: 'integer' },
    sha256: { type: 'string', length: 64 },
    sizeBytes: { type: new BigIntType('number'), fieldName: 'size_bytes' },
    format: { type: 'string', length: 16 },
    fileName: { type: 'string', fieldName: 'file_name', length: 255 },
    rowCount: { type: 'integer', fieldName: 'row_count' },
    columnCount: { type: 'integer', fieldName: 'column_count' },
    schemaJson: { type: 'text', fieldName: 'schema_json' },
    schemaDigest: { type: 'string', fieldName: 'schema_digest', length: 64 },
    operator: { type: 'string', length: 128 },
    description: { type: 'text' },
    createdAt: { type: 'datetime', fieldName: 'created_at' },
    releaseState: { type: 'string', fieldName: 'release_state', length: 16 },
    releaseErrorCode: { type: 'string', fieldName: 'release_error_code', nullable: true, length: 64 },
    releaseError: { type: 'text', fieldName: 'release_error', nullable: true },
    txId: { type: 'string', fieldName: 'tx_id', nullable: true, length: 128 },
    blockNumber: { type: 'integer', fieldName: 'block_number', nullable: true },
    committedAt: { type: 'datetime', fieldName: 'committed_at', nullable: true },
    purged: { type: 'boolean' },
  },
});
