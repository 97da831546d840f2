import { Body, Controller, Get, Param, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AccessTokenClaims } from '@phdmf/auth';
import { AuthorizationErrorCode, AuthorizationGetMarketEntry, AuthorizationSearchMarket, AuthorizationSetStance, LedgerChaincodeErrorCode, LedgerErrorCode, PaginationErrorCode } from '@phdmf/contracts';
import { CurrentUser, Roles } from '../auth/decorators';
import { EdgeBus } from '../bus/edge-bus';
import { Idempotent } from '../edge/idempotency';
import { ApiErrors } from '../edge/openapi-errors';
import { DatasetIdParam, MarketQueryDto, StanceDto } from './dto';
import { MarketEntryResponse, MarketPageResponse } from './openapi';

@ApiTags('market')
@ApiBearerAuth()
@ApiErrors(AuthorizationErrorCode, LedgerErrorCode, LedgerChaincodeErrorCode)
@Controller('market/datasets')
export class MarketController {
  constructor(private readonly bus: EdgeBus) {}

  @Get()
  @ApiErrors(PaginationErrorCode)
  @ApiOperation({
    summary:
      'The data market: released datasets (metadata and schema only, from committed ledger records), newest release first (then by id), a page at a time, with your permission on each; filters: q, institution, column',
  })
  @ApiOkResponse({ type: MarketPageResponse })
  search(@Req() req: Request, @Query() query: MarketQueryDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AuthorizationSearchMarket.CONTRACT, { ...query }, user);
  }

  @Get(':datasetId')
  @ApiOperation({ summary: 'One dataset of the market (also a deleted or tampered one), with your permission' })
  @ApiOkResponse({ type: MarketEntryResponse })
  get(@Req() req: Request, @Param() params: DatasetIdParam, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AuthorizationGetMarketEntry.CONTRACT, { datasetId: params.datasetId }, user);
  }

  @Put(':datasetId/stance')
  @Idempotent()
  @Roles('institution-admin')
  @ApiOperation({ summary: 'Open or close your institution\'s dataset to access requests (its admins only; checked by the service)' })
  @ApiOkResponse({ type: MarketEntryResponse })
  setStance(@Req() req: Request, @Param() params: DatasetIdParam, @Body() body: StanceDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.requestCommitted(req, AuthorizationSetStance.CONTRACT, { datasetId: params.datasetId, stance: body.stance }, user);
  }
}
