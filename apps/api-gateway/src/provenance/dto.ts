import { ApiProperty, OmitType } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { IsLedgerId, LedgerListProvenance } from '@phdmf/contracts';
import { CanonicalInt } from '../edge/validation';

export class ProvenanceDatasetParam {
  @ApiProperty({ description: 'Dataset id (as on-chain)' })
  @IsLedgerId()
  datasetId!: string;
}

export class BlockNumberParam {
  @ApiProperty({ minimum: 0, description: 'Block number (0 is the genesis block)' })
  @CanonicalInt()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  number!: number;
}

export class TransactionIdParam {
  @ApiProperty({ description: 'Transaction id' })
  @IsString()
  @Matches(/^[0-9a-zA-Z._-]{1,128}$/, { message: 'txId must be a transaction id' })
  txId!: string;
}

/** A provenance table's query: the contract's, less the dataset (the path's). */
export class ProvenanceQueryDto extends OmitType(LedgerListProvenance.Payload, ['datasetId']) {}
