import { defineQuery } from '../../../lib/contract';
import { IsLedgerId } from '../../../ledger/lib/validation';
import type { InstitutionView } from '../../lib/views';

export const SUBJECT = 'phdmf.node-registry.qry.get-institution.v1';

/** One member with its node and on-chain record. */
export class Payload {
  @IsLedgerId()
  memberId!: string;
}

export type Result = InstitutionView;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
