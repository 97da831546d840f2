import { ApiProperty } from '@nestjs/swagger';
import { OptionalField } from '../../../lib/optional';
import { IsEmailAddress } from '../../../lib/text';
import { defineCommand } from '../../../lib/contract';
import { IsLedgerId, IsLedgerText, LedgerLimits } from '../../../ledger/lib/validation';
import { NodeFields } from '../../lib/node-fields';
import type { ApplicationView } from '../../lib/views';

export const SUBJECT = 'phdmf.node-registry.cmd.apply-for-membership.v1';

/** An institution applies to join. The acting user (who belongs to no institution yet) becomes its admin when admitted. */
export class Payload extends NodeFields {
  @ApiProperty({ description: 'The institution\'s name' })
  @IsLedgerText(LedgerLimits.name)
  name!: string;

  @IsLedgerText(200)
  contactName!: string;

  @IsEmailAddress()
  contactEmail!: string;

  /**
   * The institution's own MSP id on a Fabric network (its organisation on the channel). Without
   * it the registry assigns `<memberId>-msp`, which suits the embedded ledger.
   */
  @ApiProperty({ description: 'The institution\'s own MSP id on a Fabric network; assigned (`<memberId>-msp`) when absent', example: 'HospitalAMSP' })
  @OptionalField()
  @IsLedgerId()
  mspId?: string;
}

export type Result = ApplicationView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
