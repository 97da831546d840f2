import { IsIn } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { defineQuery } from '../../../lib/contract';
import { OptionalField } from '../../../lib/optional';
import { PageQuery, type Page } from '../../../lib/pagination';
import type { InstitutionView } from '../../lib/views';

export const SUBJECT = 'phdmf.node-registry.qry.list-institutions.v1';

/**
 * Node information: every admitted member with its node, status, last heartbeat and on-chain
 * record, the latest admitted first (by admission time, then member id), a page at a time. Any
 * authenticated user may read the consortium directory (it holds no personal data).
 */
export class Payload extends PageQuery {
  /** `false` skips reading the on-chain records (faster; the directory alone). */
  @ApiProperty({ required: false, type: 'boolean' })
  @OptionalField()
  @IsIn([true, false])
  includeOnChain?: boolean;
}

export type Result = Page<InstitutionView>;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
