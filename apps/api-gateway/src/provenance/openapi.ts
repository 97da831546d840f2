// Response shapes of the provenance and ledger endpoints for the OpenAPI document (the wire types
// are the interfaces in @phdmf/contracts, which carry no run-time metadata).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProvenanceEntryResponse {
  @ApiProperty({ enum: ['add', 'update', 'delete', 'request', 'grant', 'deny', 'revoke', 'analysis', 'tamper', 'stance'] }) operation!: string;
  @ApiProperty() datasetVersion!: number;
  @ApiProperty() fileName!: string;
  @ApiProperty({ description: 'SHA-256 of the dataset version the operation applied to' }) sha256!: string;
  @ApiProperty({ description: 'Release note, purpose, or reason' }) description!: string;
  @ApiProperty({ description: 'Pseudonymous id of who acted' }) operator!: string;
  @ApiProperty({ description: 'The MSP that signed the transaction' }) organisation!: string;
  @ApiPropertyOptional({ description: 'The member bound to that MSP' }) memberId?: string;
  @ApiPropertyOptional({ description: 'The request, analysis or finding the operation belongs to' }) referenceId?: string;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty() txId!: string;
  @ApiProperty() blockNumber!: number;
}

export class ProvenanceResponse {
  @ApiProperty() datasetId!: string;
  @ApiProperty({ type: [ProvenanceEntryResponse], description: 'Every operation, in commit order' }) entries!: ProvenanceEntryResponse[];
}

export class ChainInfoResponse {
  @ApiProperty({ description: 'Number of blocks, the genesis block included' }) height!: number;
  @ApiProperty() currentBlockHash!: string;
  @ApiProperty() previousBlockHash!: string;
}

export class BlockTransactionResponse {
  @ApiProperty() txId!: string;
  @ApiProperty() txIndex!: number;
  @ApiProperty() contract!: string;
  @ApiProperty() function!: string;
  @ApiProperty() creatorMspId!: string;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty({ example: 'VALID' }) validationCode!: string;
  @ApiPropertyOptional() eventName?: string;
}

export class BlockResponse {
  @ApiProperty() number!: number;
  @ApiProperty() hash!: string;
  @ApiProperty() previousHash!: string;
  @ApiProperty() dataHash!: string;
  @ApiProperty({ type: [BlockTransactionResponse] }) transactions!: BlockTransactionResponse[];
}

export class TransactionResponse extends BlockTransactionResponse {
  @ApiProperty() blockNumber!: number;
  @ApiProperty({ type: [String], description: 'The transaction\'s arguments (one JSON request)' }) args!: string[];
  @ApiProperty({ description: 'What the chaincode returned' }) response!: string;
  @ApiPropertyOptional({ type: 'object', properties: { name: { type: 'string' }, payload: {} }, description: 'The chaincode event it emitted' }) event?: { name: string; payload: unknown };
}
