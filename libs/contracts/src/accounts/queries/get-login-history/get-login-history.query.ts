import { IsIn, IsUUID } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { defineQuery } from '../../../lib/contract';
import { OptionalField } from '../../../lib/optional';
import { TimedPageQuery, type Page } from '../../../lib/pagination';
import type { LoginHistoryEntry } from '../../lib/views';

export const SUBJECT = 'phdmf.accounts.qry.get-login-history.v1';

/** Login outcomes one can filter on. */
export const LOGIN_OUTCOMES = ['success', 'failure'] as const;

/**
 * Login history, newest first (by time, then event), a page at a time. Without `userId`: the acting
 * user's own. With it: a consortium admin may read anyone's, an institution admin only their own
 * institution's users'. `from`/`to` on the attempt's time.
 */
export class Payload extends TimedPageQuery {
  @OptionalField()
  @IsUUID()
  userId?: string;

  @ApiProperty({ enum: LOGIN_OUTCOMES, required: false, description: 'Only successful, or only failed, attempts' })
  @OptionalField()
  @IsIn(LOGIN_OUTCOMES)
  outcome?: (typeof LOGIN_OUTCOMES)[number];
}

export type Result = Page<LoginHistoryEntry>;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
