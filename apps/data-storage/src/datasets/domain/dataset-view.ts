import type { ColumnSchema } from './csv-inspector';

/** What the local API shows of one version. */
export interface DatasetVersionView {
  version: number;
  sha256: string;
  sizeBytes: number;
  format: 'csv' | 'parquet';
  fileName: string;
  rowCount: number;
  columns: ColumnSchema[];
  description: string;
  operator: string;
  createdAt: string;
  /** pending: sent to the ledger, no answer yet; committed: on-chain; failed: refused or unreachable (see releaseError). */
  release: { state: 'pending' | 'committed' | 'failed'; txId?: string; blockNumber?: number; committedAt?: string; errorCode?: string; error?: string };
}

/** What the local API shows of one dataset. */
export interface DatasetView {
  datasetId: string;
  name: string;
  organisationId: string;
  /** unreleased: no version committed on the ledger yet (see lastError); released: visible to the consortium; deleted. */
  state: 'unreleased' | 'released' | 'deleted';
  releasedVersion: number | null;
  latestVersion: number;
  tampered: boolean;
  tamperFindingId?: string;
  lastError?: { code: string; message: string };
  createdAt: string;
  updatedAt: string;
  deletedAt?: string;
  versions?: DatasetVersionView[];
}
