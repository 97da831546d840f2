import { IsIn, IsOptional } from 'class-validator';
import { defineQuery } from '../../../lib/contract';
import type { LedgerRequestStatus } from '../../../ledger/lib/records';
import { IsLedgerId } from '../../../ledger/lib/validation';
import type { AccessRequestView } from '../../lib/views';

export const SUBJECT = 'phdmf.authorization.qry.list-access-requests.v1';

/** The scopes of the list: one's own requests, or those on one's institution's datasets. */
export const ACCESS_REQUEST_SCOPES = ['mine', 'incoming'] as const;

/** Request statuses one can filter on. */
export const ACCESS_REQUEST_STATUSES: readonly LedgerRequestStatus[] = ['pending', 'granted', 'denied', 'revoked'];

/**
 * Access requests, newest first: `mine` — the caller's own; `incoming` — those on datasets owned by
 * the caller's institution (its institution-admins and members only).
 */
export class Payload {
  @IsIn(ACCESS_REQUEST_SCOPES)
  scope!: (typeof ACCESS_REQUEST_SCOPES)[number];

  @IsOptional()
  @IsIn(ACCESS_REQUEST_STATUSES)
  status?: LedgerRequestStatus;

  @IsOptional()
  @IsLedgerId()
  datasetId?: string;
}

export interface Result {
  items: AccessRequestView[];
}

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
