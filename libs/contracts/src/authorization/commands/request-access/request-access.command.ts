import { ApiProperty } from '@nestjs/swagger';
import { defineCommand } from '../../../lib/contract';
import { OptionalField } from '../../../lib/optional';
import type { LedgerPrivacyMode, LedgerStatistic } from '../../../ledger/lib/records';
import { IsBudgetRho, IsColumnList, IsIsoTime, IsLedgerId, IsLedgerText, IsPrivacyMode, IsStatisticList, LedgerLimits } from '../../../ledger/lib/validation';
import type { AccessRequestView } from '../../lib/views';

export const SUBJECT = 'phdmf.authorization.cmd.request-access.v1';

/**
 * The acting user applies for access to a dataset (a researcher, or a member of another
 * institution). Answered once the request is committed on-chain (status `pending`).
 */
export class Payload {
  @ApiProperty({ description: 'Dataset id (from the data market)' })
  @IsLedgerId()
  datasetId!: string;

  @ApiProperty({ description: 'What the data will be used for (recorded on-chain)' })
  @IsLedgerText(LedgerLimits.purpose, { multiline: true })
  purpose!: string;

  @ApiProperty({ description: 'Columns of the dataset' })
  @IsColumnList()
  columns!: string[];

  @ApiProperty({ description: 'The request records these plus what an analysis computes them from: `count` always, `mean` with `variance` or `sd`' })
  @IsStatisticList()
  statistics!: LedgerStatistic[];

  /** Until when access is asked for; must lie in the future. */
  @ApiProperty({ description: 'Until when access is asked for; in the future, with an offset' })
  @IsIsoTime()
  requestedExpiry!: string;

  /** The privacy mode proposed (`dp` with `budgetRho`); the owner decides at grant time. */
  @ApiProperty({ description: 'Proposed privacy mode; the owner decides at grant time. `dp` (differential privacy) needs `budgetRho`' })
  @OptionalField()
  @IsPrivacyMode()
  privacyMode?: LedgerPrivacyMode;

  /** The proposed zCDP budget of a `dp` grant. */
  @ApiProperty({ description: 'Proposed zCDP budget ρ of a `dp` grant' })
  @OptionalField()
  @IsBudgetRho()
  budgetRho?: number;
}

export type Result = AccessRequestView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
