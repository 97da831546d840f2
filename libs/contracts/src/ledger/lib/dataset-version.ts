import { IsOptional } from 'class-validator';
import type { LedgerColumnGrid, LedgerColumnType } from './records';
import { IsColumnGridList, IsColumnList, IsColumnTypeList, IsIntAtLeast, IsLedgerId, IsLedgerText, IsSha256, LedgerLimits } from './validation';

/**
 * The fields of one dataset version, as `dataset:addDataset` and `dataset:updateDataset` take them.
 * Each version is complete: an omitted `name` or `columns` is absent in that version. The owner is
 * never a field: it is the organisation that signs (the acting user's).
 */
export abstract class DatasetVersionFields {
  @IsLedgerId()
  datasetId!: string;

  /** At least 1, and greater than the on-chain version for an update. */
  @IsIntAtLeast(1)
  version!: number;

  @IsLedgerText(LedgerLimits.fileName)
  fileName!: string;

  @IsSha256()
  sha256!: string;

  @IsIntAtLeast(0)
  rowCount!: number;

  @IsIntAtLeast(0)
  columnCount!: number;

  @IsSha256()
  schemaDigest!: string;

  /** Pseudonymous id of the staff member who made the change. */
  @IsLedgerId()
  operator!: string;

  @IsLedgerText(LedgerLimits.description, { min: 0, multiline: true })
  description!: string;

  @IsOptional()
  @IsLedgerText(LedgerLimits.name)
  name?: string;

  /** Column names; when present their number must equal `columnCount`. */
  @IsOptional()
  @IsColumnList()
  columns?: string[];

  /**
   * The type of each of `columns`, position by position. Only with `columns` and of the same
   * length: the chaincode refuses anything else (LEDGER.INVALID_INPUT naming the field).
   */
  @IsOptional()
  @IsColumnTypeList()
  columnTypes?: LedgerColumnType[];

  /**
   * The owner's declaration per numeric column: plausible bounds and the finest histogram bin
   * width. Sites answer histograms only on this grid (requested edges are rounded out to it).
   */
  @IsOptional()
  @IsColumnGridList()
  columnGrids?: LedgerColumnGrid[];
}
