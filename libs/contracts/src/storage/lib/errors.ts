/** Codes of the data-storage service's own errors (the ledger's and access codes pass through unchanged). */
export const StorageErrorCode = {
  /** No dataset with that id at this node (or it was deleted). */
  DATASET_NOT_FOUND: 'DATASET.NOT_FOUND',
  /** The dataset exists here but its release is not committed on the ledger. */
  DATASET_NOT_RELEASED: 'DATASET.NOT_RELEASED',
  /** The stored file no longer matches its on-chain hash; refused until a good version is uploaded. */
  DATASET_TAMPERED: 'DATASET.TAMPERED',
  /** The node's current version and the on-chain version differ (a release is still in flight). */
  DATASET_VERSION_MISMATCH: 'DATASET.VERSION_MISMATCH',
  /** The uploaded file is not an acceptable CSV; the message names the line and the problem. */
  CSV_INVALID: 'STORAGE.CSV_INVALID',
  /** The uploaded Parquet file cannot be read, or has a column type summaries cannot use. */
  PARQUET_INVALID: 'STORAGE.PARQUET_INVALID',
  /** The upload is larger than the node's configured limit. */
  TOO_LARGE: 'STORAGE.TOO_LARGE',
  /** The upload's content type is not one the node reads. */
  UNSUPPORTED_MEDIA_TYPE: 'STORAGE.UNSUPPORTED_MEDIA_TYPE',
  /** The upload was cut off before its end. */
  UPLOAD_ABORTED: 'STORAGE.UPLOAD_ABORTED',
  /** A summary asked for a column the dataset does not have. */
  COLUMN_UNKNOWN: 'STORAGE.COLUMN_UNKNOWN',
  /** A summary request is inconsistent (e.g. quantile probabilities without the quantiles statistic). */
  REQUEST_INVALID: 'STORAGE.REQUEST_INVALID',
  /** The acting user may not use this node's local API (other organisation, or role). */
  FORBIDDEN: 'ACCESS.FORBIDDEN',
  /** The requester named in a summary request is not the acting user. */
  REQUESTER_MISMATCH: 'ACCESS.REQUESTER_MISMATCH',
  /**
   * The summary engine could not read a stored file that passed its upload checks. Fixed sentence;
   * `details.line` names the line when the engine did. The engine's own text (it quotes the row and
   * names the file's path) stays in the site's log.
   */
  FILE_UNREADABLE: 'STORAGE.FILE_UNREADABLE',
  /** Storage I/O failed (disk full, permissions). */
  IO_FAILED: 'STORAGE.IO_FAILED',
  /** A statistic with no differentially private release (min, max) was asked under a dp grant. */
  DP_STATISTIC_UNAVAILABLE: 'DISCLOSURE.DP_STATISTIC_UNAVAILABLE',
  /** Under a dp grant, a column has no declared grid (bounds and bin width) to calibrate the noise to. */
  DP_NO_GRID: 'DISCLOSURE.DP_NO_GRID',
  /** The node's queue of summaries is full (SUMMARY_QUEUE_SIZE waiting); retry after `retryAfterSeconds`. */
  BUSY: 'STORAGE.BUSY',
} as const;

/** One of {@link StorageErrorCode}. */
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];
