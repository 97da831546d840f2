// A dataset's schema as the chain records it (`columns` and `columnTypes` of a dataset version): the
// only source of column names and types the modelling code trusts. Input names a column; the schema
// says whether it exists, what it holds, and how its identifier is written in SQL.
import { ModellingErrorCode, PhdmfError, type LedgerColumnType } from '@phdmf/contracts';

export interface DatasetSchema {
  columns: readonly string[];
  columnTypes: readonly LedgerColumnType[];
}

/** The type of a column named by the request, or MODEL.UNKNOWN_COLUMN (details: the name and where it was named). */
export function columnType(schema: DatasetSchema, column: string, path: string): LedgerColumnType {
  const i = schema.columns.indexOf(column);
  const type = i < 0 ? undefined : schema.columnTypes[i];
  if (type === undefined) throw new PhdmfError(ModellingErrorCode.UNKNOWN_COLUMN, `The dataset has no column "${column}"`, { path, column });
  return type;
}

/**
 * The SQL identifier of a schema column: the schema's own spelling, double-quoted with inner quotes
 * doubled. Only names found in the schema reach here, so no request text becomes an identifier.
 */
export function quotedColumn(schema: DatasetSchema, column: string): string {
  const name = schema.columns.find((c) => c === column);
  if (name === undefined) throw new PhdmfError(ModellingErrorCode.UNKNOWN_COLUMN, `The dataset has no column "${column}"`, { column });
  return `"${name.replace(/"/g, '""')}"`;
}

/** A refusal of a malformed request, pointing at the JSON path of the culprit. */
export function invalid(path: string, message: string): PhdmfError {
  return new PhdmfError(ModellingErrorCode.REQUEST_INVALID, message, { path });
}
