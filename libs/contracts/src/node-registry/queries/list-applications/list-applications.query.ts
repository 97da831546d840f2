import { IsIn } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { defineQuery } from '../../../lib/contract';
import { OptionalField } from '../../../lib/optional';
import { TimedPageQuery, type Page } from '../../../lib/pagination';
import type { ApplicationStatus, ApplicationView } from '../../lib/views';

export const SUBJECT = 'phdmf.node-registry.qry.list-applications.v1';

/** Application statuses one can filter on. */
export const APPLICATION_STATUSES: readonly ApplicationStatus[] = ['pending', 'admitted', 'rejected'];

/**
 * Applications, newest first (by submission time, then id), a page at a time: all of them for a
 * consortium admin, one's own otherwise. `from`/`to` on the submission time.
 */
export class Payload extends TimedPageQuery {
  @ApiProperty({ enum: APPLICATION_STATUSES, required: false })
  @OptionalField()
  @IsIn(APPLICATION_STATUSES)
  status?: ApplicationStatus;
}

export type Result = Page<ApplicationView>;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
