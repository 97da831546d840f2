import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import type { LedgerMemberRecord } from '../../lib/records';
import { IsEndpointUrl, IsLedgerId, IsLedgerText, IsPublicKeyPem, LedgerLimits } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.cmd.admit-member.v1';

/** Admits a member institution (`consortium:admitMember`). Only the governing MSP may: send it as a consortium admin or a service. */
export class Payload {
  @IsLedgerId()
  memberId!: string;

  @IsLedgerText(LedgerLimits.name)
  name!: string;

  /** The MSP the member's transactions are signed with from now on. */
  @IsLedgerId()
  mspId!: string;

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
