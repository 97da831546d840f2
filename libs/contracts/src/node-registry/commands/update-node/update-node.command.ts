import { defineCommand } from '../../../lib/contract';
import { IsLedgerId } from '../../../ledger/lib/validation';
import { NodeFields } from '../../lib/node-fields';
import type { InstitutionView } from '../../lib/views';

export const SUBJECT = 'phdmf.node-registry.cmd.update-node.v1';

/** The institution's admin changes its node (id, endpoint with port, public key); committed on-chain first. */
export class Payload extends NodeFields {
  @IsLedgerId()
  memberId!: string;
}

export type Result = InstitutionView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
