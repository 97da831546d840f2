import { IsIn } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { defineQuery } from '../../../lib/contract';
import { OptionalField } from '../../../lib/optional';
import { PageQuery, type Page } from '../../../lib/pagination';
import { IsLedgerId } from '../../../ledger/lib/validation';
import type { UserView } from '../../lib/views';

export const SUBJECT = 'phdmf.accounts.qry.list-users.v1';

/** Account statuses one can filter on. */
export const USER_STATUSES = ['active', 'disabled'] as const;

/** The users of one institution (its own institution admin, or a consortium admin), newest account first (by creation time, then id), a page at a time. */
export class Payload extends PageQuery {
  @IsLedgerId()
  organisationId!: string;

  @ApiProperty({ enum: USER_STATUSES, required: false })
  @OptionalField()
  @IsIn(USER_STATUSES)
  status?: (typeof USER_STATUSES)[number];
}

export type Result = Page<UserView>;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
