import { Controller, Get, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AccessTokenClaims } from '@phdmf/auth';
import { LedgerGetBlock, LedgerGetChainInfo, LedgerGetProvenance, LedgerGetTransaction, type LedgerGetProvenance as Provenance } from '@phdmf/contracts';
import { CurrentUser } from '../auth/decorators';
import { EdgeBus } from '../bus/edge-bus';
import { BlockNumberParam, ProvenanceDatasetParam, TransactionIdParam } from './dto';
import { BlockResponse, ChainInfoResponse, ProvenanceResponse, TransactionResponse } from './openapi';

/** One provenance entry as the edge shows it: the ledger's, without the dataset id its table already names. */
type ProvenanceEntry = Omit<Provenance.Entry, 'datasetId'>;

/**
 * Provenance and the chain itself, read from the ledger service's queries. Every authenticated user
 * may read them, as far as they concern the user: the ledger service applies the per-field rule of
 * @phdmf/contracts visibility.ts to the caller in the actor header (a request's purpose and columns,
 * a decision's reason are the requester's, the owner institution's and the admin's), while ids,
 * blocks and hashes stay public so that anyone can check each step.
 */
@ApiTags('provenance')
@ApiBearerAuth()
@Controller()
export class ProvenanceController {
  constructor(private readonly bus: EdgeBus) {}

  @Get('provenance/datasets/:datasetId')
  @ApiOperation({ summary: 'A dataset\'s provenance: every operation (add, update, delete, request, grant, deny, revoke, analysis, tamper) with hash, operator, organisation, time, transaction id and block' })
  @ApiOkResponse({ type: ProvenanceResponse })
  async provenance(@Req() req: Request, @Param() params: ProvenanceDatasetParam, @CurrentUser() user: AccessTokenClaims): Promise<{ datasetId: string; entries: ProvenanceEntry[] }> {
    const table = await this.bus.request(req, LedgerGetProvenance.CONTRACT, { datasetId: params.datasetId }, user);
    return { datasetId: table.datasetId, entries: table.entries.map(({ datasetId: _same, ...entry }) => entry) };
  }

  @Get('ledger/chain')
  @ApiOperation({ summary: 'The chain\'s height and current block hash' })
  @ApiOkResponse({ type: ChainInfoResponse })
  chain(@Req() req: Request, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, LedgerGetChainInfo.CONTRACT, {}, user);
  }

  @Get('ledger/blocks/:number')
  @ApiOperation({ summary: 'A block by number: its hashes and its transactions with their validation codes (public fields only)' })
  @ApiOkResponse({ type: BlockResponse })
  block(@Req() req: Request, @Param() params: BlockNumberParam, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, LedgerGetBlock.CONTRACT, { blockNumber: params.number }, user);
  }

  @Get('ledger/transactions/:txId')
  @ApiOperation({ summary: 'A transaction by id: its block, validation code, function, arguments and event, without the fields that do not concern the caller (listed in `redacted`)' })
  @ApiOkResponse({ type: TransactionResponse })
  transaction(@Req() req: Request, @Param() params: TransactionIdParam, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, LedgerGetTransaction.CONTRACT, { txId: params.txId }, user);
  }
}
