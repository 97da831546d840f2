import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AccessTokenClaims } from '@phdmf/auth';
import { LedgerChaincodeErrorCode, LedgerErrorCode, LedgerGetBlock, LedgerGetChainInfo, LedgerGetTransaction, LedgerListProvenance, PaginationErrorCode, type Page } from '@phdmf/contracts';
import { CurrentUser } from '../auth/decorators';
import { EdgeBus } from '../bus/edge-bus';
import { ApiErrors } from '../edge/openapi-errors';
import { BlockNumberParam, ProvenanceDatasetParam, ProvenanceQueryDto, TransactionIdParam } from './dto';
import { BlockResponse, ChainInfoResponse, ProvenanceResponse, TransactionResponse, type ProvenanceEntry } from './openapi';

/**
 * Provenance and the chain itself, read from the ledger service's queries. Every authenticated user
 * may read them, as far as they concern the user: the ledger service applies the per-field rule of
 * @phdmf/contracts visibility.ts to the caller in the actor header (a request's purpose and columns,
 * a decision's reason are the requester's, the owner institution's and the admin's), while ids,
 * blocks and hashes stay public so that anyone can check each step.
 */
@ApiTags('provenance')
@ApiBearerAuth()
@ApiErrors(LedgerErrorCode, LedgerChaincodeErrorCode)
@Controller()
export class ProvenanceController {
  constructor(private readonly bus: EdgeBus) {}

  @Get('provenance/datasets/:datasetId')
  @ApiErrors(PaginationErrorCode)
  @ApiOperation({
    summary:
      'A dataset\'s provenance: every operation (add, update, delete, request, grant, deny, revoke, analysis, tamper, stance, budget) with hash, operator, organisation, time, transaction id and block; newest first (by transaction time, then transaction id), a page at a time; filters: operation, from/to (transaction time)',
  })
  @ApiOkResponse({ type: ProvenanceResponse })
  async provenance(@Req() req: Request, @Param() params: ProvenanceDatasetParam, @Query() query: ProvenanceQueryDto, @CurrentUser() user: AccessTokenClaims): Promise<Page<ProvenanceEntry>> {
    const page = await this.bus.request(req, LedgerListProvenance.CONTRACT, { ...query, datasetId: params.datasetId }, user);
    return { ...page, items: page.items.map(({ datasetId: _same, ...entry }) => entry) };
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
