import { IsIn, IsUUID } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { defineQuery } from '../../../lib/contract';
import { OptionalField } from '../../../lib/optional';
import { TimedPageQuery, type Page } from '../../../lib/pagination';
import type { AnalysisSummary } from '../../lib/views';

export const SUBJECT = 'phdmf.aggregation.qry.list-analyses.v1';

/** Analysis statuses one can filter on. */
export const ANALYSIS_STATUSES = ['complete', 'partial'] as const;

/**
 * Analyses newest first (by creation time, then id), a page at a time; `from`/`to` on the creation
 * time. Whose: a consortium admin, who audits, sees every requester's (`requester` narrows them to one
 * user's); anyone else only their own (`requester` naming someone else matches nothing).
 */
export class Payload extends TimedPageQuery {
  @ApiProperty({ format: 'uuid', required: false, description: 'Only this user\'s analyses (a consortium admin; anyone else sees only their own, so another user\'s id matches none)' })
  @OptionalField()
  @IsUUID()
  requester?: string;

  @ApiProperty({ enum: ANALYSIS_STATUSES, required: false })
  @OptionalField()
  @IsIn(ANALYSIS_STATUSES)
  status?: (typeof ANALYSIS_STATUSES)[number];
}

export type Result = Page<AnalysisSummary>;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
