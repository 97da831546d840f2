import { IsIn } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { defineQuery } from '../../../lib/contract';
import { OptionalField } from '../../../lib/optional';
import { TimedPageQuery, type Page } from '../../../lib/pagination';
import type { LedgerRequestStatus } from '../../../ledger/lib/records';
import { IsLedgerId } from '../../../ledger/lib/validation';
import type { AccessRequestView } from '../../lib/views';

export const SUBJECT = 'phdmf.authorization.qry.list-access-requests.v1';

/** The scopes of the list: one's own requests, or those on one's institution's datasets. */
export const ACCESS_REQUEST_SCOPES = ['mine', 'incoming'] as const;

/** Request statuses one can filter on. */
export const ACCESS_REQUEST_STATUSES: readonly LedgerRequestStatus[] = ['pending', 'granted', 'denied', 'revoked'];

/**
 * Access requests, newest first (by request time, then id), a page at a time: `mine` (the default) —
 * the caller's own; `incoming` — those on datasets owned by the caller's institution (its
 * institution-admins and members only). `from`/`to` on the request time.
 */
export class Payload extends TimedPageQuery {
  @ApiProperty({ enum: ACCESS_REQUEST_SCOPES, default: 'mine', required: false, description: '`mine`: your requests; `incoming`: requests on your institution\'s datasets' })
  @OptionalField()
  @IsIn(ACCESS_REQUEST_SCOPES)
  scope?: (typeof ACCESS_REQUEST_SCOPES)[number];

  @ApiProperty({ enum: ACCESS_REQUEST_STATUSES, required: false })
  @OptionalField()
  @IsIn(ACCESS_REQUEST_STATUSES)
  status?: LedgerRequestStatus;

  @ApiProperty({ required: false, description: 'Only the requests on this dataset' })
  @OptionalField()
  @IsLedgerId()
  datasetId?: string;
}

export type Result = Page<AccessRequestView>;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
