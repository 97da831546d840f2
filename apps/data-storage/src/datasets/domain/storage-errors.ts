import { PhdmfError, StorageErrorCode } from '@phdmf/contracts';

/** A CSV refused at upload; the message names the line and the problem. */
export class CsvInvalidError extends PhdmfError {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(StorageErrorCode.CSV_INVALID, line > 0 ? `line ${line}: ${problem}` : problem, { line, problem });
    this.name = 'CsvInvalidError';
  }
}

/**
 * A file the summary engine (DuckDB) could not read. Other parties get the code, a fixed sentence
 * and at most a line number: the engine's own text quotes the offending row and names the file's
 * path, so it is kept apart, in `engineText`, for the site's own log only.
 */
export class EngineReadError extends PhdmfError {
  constructor(
    code: typeof StorageErrorCode.FILE_UNREADABLE | typeof StorageErrorCode.PARQUET_INVALID,
    message: string,
    readonly engineText: string,
    line?: number,
  ) {
    super(code, line === undefined ? message : `${message} (line ${line})`, line === undefined ? undefined : { line });
    this.name = 'EngineReadError';
  }
}

/** An upload over the node's size limit. */
export class UploadTooLargeError extends PhdmfError {
  constructor(limitBytes: number) {
    super(StorageErrorCode.TOO_LARGE, `the upload is larger than this node's limit of ${limitBytes} bytes`, { limitBytes });
    this.name = 'UploadTooLargeError';
  }
}

export function datasetNotFound(datasetId: string): PhdmfError {
  return new PhdmfError(StorageErrorCode.DATASET_NOT_FOUND, `no dataset "${datasetId}" at this node`, { datasetId });
}
