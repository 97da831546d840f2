import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import { IsLedgerText, LedgerLimits } from '../../../ledger/lib/validation';
import type { ApplicationView } from '../../lib/views';

export const SUBJECT = 'phdmf.node-registry.cmd.reject-application.v1';

/** A consortium admin rejects an application, with a reason; recorded on-chain. */
export class Payload {
  @IsUUID()
  applicationId!: string;

  @ApiProperty({ description: 'Shown to the applicant; a rejection is recorded on-chain' })
  @IsLedgerText(LedgerLimits.reason, { multiline: true })
  reason!: string;
}

export type Result = ApplicationView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
