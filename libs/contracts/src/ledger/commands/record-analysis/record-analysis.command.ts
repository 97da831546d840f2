import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, Min, ValidateNested } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import type { LedgerAnalysisRecord, LedgerStatistic } from '../../lib/records';
import { IsColumnList, IsLedgerId, IsSha256, IsStatisticList, LedgerLimits } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.cmd.record-analysis.v1';

/** One grant an analysis used, with the dataset hash that was analysed. */
export class AnalysisGrantInput {
  @IsLedgerId()
  requestId!: string;

  @IsLedgerId()
  datasetId!: string;

  /** Must equal the dataset's current on-chain hash. */
  @IsSha256()
  sha256!: string;
}

/** Records an analysis (`audit:recordAnalysis`): who used which grants over which dataset hashes. Governing MSP only (the aggregation service). */
export class Payload {
  @IsLedgerId()
  analysisId!: string;

  @IsLedgerId()
  requester!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LedgerLimits.grants)
  @ValidateNested({ each: true })
  @Type(() => AnalysisGrantInput)
  grants!: AnalysisGrantInput[];

  @IsStatisticList()
  statistics!: LedgerStatistic[];

  @IsColumnList(0)
  columns!: string[];

  /** SHA-256 of the released result. */
  @IsSha256()
  resultHash!: string;

  /** The reserving transaction of the analysis' budget reservation: required when any grant is dp. */
  @IsOptional()
  @IsLedgerId()
  reservationTxId?: string;

  /** A GLM's IRLS iterations (only with `statistics: ['glm']`, and always with it). */
  @IsOptional()
  @IsInt()
  @Min(0)
  iterations?: number;
}

/** Answered after commit. */
export type Result = LedgerCommitted<LedgerAnalysisRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
