// Response shapes of the provenance and ledger endpoints for the OpenAPI document (the wire types
// are the interfaces in @phdmf/contracts, which carry no run-time metadata; each class implements
// its own and is held to exactly its fields below).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type LedgerBlock, type LedgerBlockTransaction, type LedgerChainInfo, type LedgerGetProvenance, type LedgerTransaction, type Page } from '@phdmf/contracts';
import { BLOCK_NUMBER, INTEGER, PageOf, type DocumentsExactly } from '../edge/openapi-schemas';

/** One provenance entry as the edge shows it: the ledger's, without the dataset id its table already names. */
export type ProvenanceEntry = Omit<LedgerGetProvenance.Entry, 'datasetId'>;

export class ProvenanceEntryResponse implements ProvenanceEntry {
  @ApiProperty({ enum: ['add', 'update', 'delete', 'request', 'grant', 'deny', 'revoke', 'analysis', 'tamper', 'stance', 'budget'], description: '`budget`: a dp analysis reserved (or released) privacy budget of a grant on the dataset; referenceId is the analysis, txId the reservation' }) operation!: ProvenanceEntry['operation'];
  @ApiProperty({ ...INTEGER, minimum: 1 }) datasetVersion!: number;
  @ApiProperty() fileName!: string;
  @ApiProperty({ description: 'SHA-256 of the dataset version the operation applied to' }) sha256!: string;
  @ApiPropertyOptional({ description: 'Release note, purpose, or reason; left out of a request, decision or analysis that does not concern the caller (see `redacted`)' }) description?: string;
  @ApiPropertyOptional({ description: 'Pseudonymous id of who acted; left out like `description`' }) operator?: string;
  @ApiProperty({ description: 'The MSP that signed the transaction' }) organisation!: string;
  @ApiPropertyOptional({ description: 'The member bound to that MSP' }) memberId?: string;
  @ApiPropertyOptional({ description: 'The request, analysis or finding the operation belongs to' }) referenceId?: string;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty() txId!: string;
  @ApiProperty(BLOCK_NUMBER) blockNumber!: number;
  @ApiPropertyOptional({
    isArray: true,
    enum: ['description', 'operator'],
    description: 'Fields left out: a request, decision or analysis is read in full only by its requester, the staff of the institution that owns the dataset, and a consortium admin',
  })
  redacted?: ('description' | 'operator')[];
}

export class ProvenanceResponse extends PageOf(ProvenanceEntryResponse, 'ProvenanceResponse', 'Every operation matching the filters that the table holds (not only this page)') {}

export class ChainInfoResponse implements LedgerChainInfo {
  @ApiProperty({ ...INTEGER, minimum: 1, description: 'Number of blocks, the genesis block included' }) height!: number;
  @ApiProperty() currentBlockHash!: string;
  @ApiProperty() previousBlockHash!: string;
}

export class BlockTransactionResponse implements LedgerBlockTransaction {
  @ApiProperty() txId!: string;
  @ApiProperty({ ...INTEGER, minimum: 0 }) txIndex!: number;
  @ApiProperty() contract!: string;
  @ApiProperty() function!: string;
  @ApiProperty() creatorMspId!: string;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty({ example: 'VALID' }) validationCode!: string;
  @ApiPropertyOptional() eventName?: string;
}

export class BlockResponse implements LedgerBlock {
  @ApiProperty(BLOCK_NUMBER) number!: number;
  @ApiProperty() hash!: string;
  @ApiProperty() previousHash!: string;
  @ApiProperty() dataHash!: string;
  @ApiProperty({ type: [BlockTransactionResponse] }) transactions!: BlockTransactionResponse[];
}

export class TransactionResponse extends BlockTransactionResponse implements LedgerTransaction {
  @ApiProperty(BLOCK_NUMBER) blockNumber!: number;
  @ApiProperty({ type: [String], description: 'The transaction\'s arguments (one JSON request)' }) args!: string[];
  @ApiProperty({ description: 'What the chaincode returned' }) response!: string;
  @ApiPropertyOptional({ type: 'object', properties: { name: { type: 'string' }, payload: {} }, description: 'The chaincode event it emitted' }) event?: { name: string; payload: unknown };
  @ApiPropertyOptional({
    type: [String],
    example: ['args[0].purpose', 'response.purpose', 'event.payload.purpose'],
    description:
      'Paths of what the caller may not read and was left out of `args`, `response` and `event.payload` (a whole `args[0]`, `response` or `event.payload` when withheld entirely). An access request, its grant, denial or revocation, and an analysis are read in full only by the requester, the staff of the institution that owns the dataset, and a consortium admin; a membership rejection\'s reason by a consortium admin only. Ids, block, validation code, function, signing MSP, time, dataset ids and hashes are never left out.',
  })
  redacted?: string[];
}

const _documentedExactly: [
  DocumentsExactly<ProvenanceEntryResponse, ProvenanceEntry>,
  DocumentsExactly<ProvenanceResponse, Page<ProvenanceEntry>>,
  DocumentsExactly<ChainInfoResponse, LedgerChainInfo>,
  DocumentsExactly<BlockTransactionResponse, LedgerBlockTransaction>,
  DocumentsExactly<BlockResponse, LedgerBlock>,
  DocumentsExactly<TransactionResponse, LedgerTransaction>,
] = [true, true, true, true, true, true];
