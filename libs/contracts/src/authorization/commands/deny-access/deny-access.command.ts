import { ApiProperty } from '@nestjs/swagger';
import { defineCommand } from '../../../lib/contract';
import { IsLedgerId, IsLedgerText, LedgerLimits } from '../../../ledger/lib/validation';
import type { AccessRequestView } from '../../lib/views';

export const SUBJECT = 'phdmf.authorization.cmd.deny-access.v1';

/** The owner institution's staff deny a pending request, with a reason. Answered once committed. */
export class Payload {
  @IsLedgerId()
  requestId!: string;

  @ApiProperty({ description: 'Recorded on-chain and shown to the requester' })
  @IsLedgerText(LedgerLimits.reason, { multiline: true })
  reason!: string;
}

export type Result = AccessRequestView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
