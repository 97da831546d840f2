import { IsIn, IsOptional } from 'class-validator';
import { defineQuery } from '../../../lib/contract';
import type { InstitutionView } from '../../lib/views';

export const SUBJECT = 'phdmf.node-registry.qry.list-institutions.v1';

/**
 * Node information: every admitted member with its node, status, last heartbeat and on-chain
 * record. Any authenticated user may read the consortium directory (it holds no personal data).
 */
export class Payload {
  /** `false` skips reading the on-chain records (faster; the directory alone). */
  @IsOptional()
  @IsIn([true, false])
  includeOnChain?: boolean;
}

export interface Result {
  institutions: InstitutionView[];
}

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
