import type { Readable } from 'node:stream';
import type { ColumnGrid } from '@phdmf/statistics';
import type { LocalUser } from '../../domain/local-user';

/** The encodings a node accepts: CSV (validated while streaming) and Parquet (read by DuckDB). */
export type UploadFormat = 'csv' | 'parquet';

/**
 * Stores an uploaded CSV and releases it on the ledger: a new dataset when `datasetId` is absent,
 * otherwise a new version of that dataset. The body is read as a stream, never buffered whole.
 */
export class UploadDatasetCommand {
  constructor(
    readonly user: LocalUser,
    readonly body: Readable,
    readonly meta: {
      datasetId?: string;
      name?: string;
      description: string;
      fileName: string;
      declaredLength?: number;
      format?: UploadFormat;
      /** The owner's own histogram grids per numeric column, replacing the defaults from inspection. */
      grids?: ReadonlyMap<string, ColumnGrid>;
    },
  ) {}
}
