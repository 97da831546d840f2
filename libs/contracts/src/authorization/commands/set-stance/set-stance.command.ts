import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import { IsLedgerId } from '../../../ledger/lib/validation';
import { MARKET_STANCES, type MarketEntry, type MarketStance } from '../../lib/views';

export const SUBJECT = 'phdmf.authorization.cmd.set-stance.v1';

/** The owner institution's admin opens or closes a dataset to access requests. */
export class Payload {
  @IsLedgerId()
  datasetId!: string;

  @ApiProperty({ enum: MARKET_STANCES, description: '`closed`: new access requests are refused (ACCESS.DATASET_CLOSED) by the market and by the chaincode; recorded on-chain' })
  @IsIn(MARKET_STANCES)
  stance!: MarketStance;
}

export type Result = MarketEntry;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
