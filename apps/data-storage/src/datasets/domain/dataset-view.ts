import type { ColumnSchema } from './csv-schema';

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
  /**
   * pending: owed to the ledger and retried until it answers (errorCode/error: why the last attempt did
   * not complete); committed: on-chain; failed: the ledger refused it (see errorCode/error).
   */
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
  /**
   * Where the dataset's ledger writes stand: `pending` — a write (release, new version, deletion, tamper
   * finding) is owed and retried with backoff until the ledger answers ("waiting for the ledger", not
   * failed; lastError says why the last attempt did not complete); `failed` — the ledger refused the last
   * write (lastError), someone must act; `committed` — nothing owed.
   */
  ledgerStatus: 'pending' | 'committed' | 'failed';
  /** The last ledger failure of a write on the dataset: while `pending`, why the last attempt did not complete. */
  lastError?: { code: string; message: string };
  createdAt: string;
  updatedAt: string;
  deletedAt?: string;
  versions?: DatasetVersionView[];
}
