import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import type { LedgerMemberRecord } from '../../lib/records';
import { IsEndpointUrl, IsLedgerId, IsPublicKeyPem } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.cmd.update-node.v1';

/** Changes a member's storage node (`consortium:updateNode`). Only from the member's own organisation. */
export class Payload {
  @IsLedgerId()
  memberId!: string;

  @IsLedgerId()
  nodeId!: string;

  @IsPublicKeyPem()
  nodePublicKey!: string;

  @IsEndpointUrl()
  endpoint!: string;
}

/** Answered after commit. */
export type Result = LedgerCommitted<LedgerMemberRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
