import { ApiProperty } from '@nestjs/swagger';
import { defineQuery } from '../../../lib/contract';
import { OptionalField } from '../../../lib/optional';
import { PageQuery } from '../../../lib/pagination';
import { IsLedgerId, IsLedgerText, LedgerLimits } from '../../../ledger/lib/validation';
import type { MarketPage } from '../../lib/views';

export const SUBJECT = 'phdmf.authorization.qry.search-market.v1';

/**
 * The data market: released, not deleted datasets, optionally matching a text (in name or
 * description, case-insensitive), of one owner institution, or having a column; newest release first
 * (then by dataset id), a page at a time.
 */
export class Payload extends PageQuery {
  @ApiProperty({ required: false, description: 'Text to find in the name or description (case-insensitive)' })
  @OptionalField()
  @IsLedgerText(200)
  q?: string;

  @ApiProperty({ required: false, description: 'Owner institution (member id)' })
  @OptionalField()
  @IsLedgerId()
  institution?: string;

  @ApiProperty({ required: false, description: 'A column the dataset must have (exact name)' })
  @OptionalField()
  @IsLedgerText(LedgerLimits.columnName)
  column?: string;
}

export type Result = MarketPage;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
