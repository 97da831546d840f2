import { IsIn } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { defineQuery } from '../../../lib/contract';
import { OptionalField } from '../../../lib/optional';
import { TimedPageQuery, type Page } from '../../../lib/pagination';
import type { LedgerProvenanceOperation } from '../../lib/records';
import { IsLedgerId } from '../../lib/validation';
import type { Entry } from '../get-provenance/get-provenance.query';

export const SUBJECT = 'phdmf.ledger.qry.list-provenance.v1';

/** Operations one can filter a provenance table on. */
export const PROVENANCE_OPERATIONS: readonly LedgerProvenanceOperation[] = ['add', 'update', 'delete', 'request', 'grant', 'deny', 'revoke', 'analysis', 'tamper', 'stance', 'budget'];

/**
 * A dataset's provenance table a page at a time, newest first (by transaction time, then transaction
 * id), as the reader may see it: the same entries as `LedgerGetProvenance` (which answers the whole
 * table, oldest first, for the services), filtered by operation and time (`from`/`to` on the
 * transaction time).
 */
export class Payload extends TimedPageQuery {
  @IsLedgerId()
  datasetId!: string;

  @ApiProperty({ enum: PROVENANCE_OPERATIONS, required: false, description: 'Only this kind of operation' })
  @OptionalField()
  @IsIn(PROVENANCE_OPERATIONS)
  operation?: LedgerProvenanceOperation;
}

export type Result = Page<Entry>;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
