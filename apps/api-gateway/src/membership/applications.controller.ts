import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AccessTokenClaims } from '@phdmf/auth';
import { LedgerChaincodeErrorCode, LedgerErrorCode, NodeRegistryAdmitApplication, NodeRegistryApplyForMembership, NodeRegistryErrorCode, NodeRegistryGetApplication, NodeRegistryListApplications, NodeRegistryRejectApplication, PaginationErrorCode } from '@phdmf/contracts';
import { CurrentUser, Roles } from '../auth/decorators';
import { EdgeBus } from '../bus/edge-bus';
import { Idempotent } from '../edge/idempotency';
import { ApiErrors } from '../edge/openapi-errors';
import { ApplicationListResponse, ApplicationResponse } from '../edge/openapi-schemas';
import { ApplicationIdParam, ApplicationsQueryDto, ApplyDto, RejectDto } from './dto';

@ApiTags('membership')
@ApiBearerAuth()
@ApiErrors(NodeRegistryErrorCode, LedgerErrorCode, LedgerChaincodeErrorCode)
@Controller('membership-applications')
export class ApplicationsController {
  constructor(private readonly bus: EdgeBus) {}

  @Post()
  @Roles('researcher')
  @ApiOperation({ summary: 'Apply to join the consortium; the applicant becomes the institution\'s admin when admitted' })
  @ApiCreatedResponse({ type: ApplicationResponse })
  apply(@Req() req: Request, @Body() body: ApplyDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, NodeRegistryApplyForMembership.CONTRACT, body, user);
  }

  @Get()
  @ApiErrors(PaginationErrorCode)
  @ApiOperation({ summary: 'Applications: all for the consortium admin, one\'s own otherwise; newest first (by submission time, then id), a page at a time; filters: status, from/to (submission time)' })
  @ApiOkResponse({ type: ApplicationListResponse })
  list(@Req() req: Request, @Query() query: ApplicationsQueryDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, NodeRegistryListApplications.CONTRACT, { ...query }, user);
  }

  @Get(':applicationId')
  @ApiOperation({ summary: 'One application (its applicant or the consortium admin)' })
  @ApiOkResponse({ type: ApplicationResponse })
  get(@Req() req: Request, @Param() params: ApplicationIdParam, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, NodeRegistryGetApplication.CONTRACT, { applicationId: params.applicationId }, user);
  }

  @Post(':applicationId/admit')
  @Idempotent()
  @Roles('consortium-admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Admit: answered once the admission is committed on-chain (decision.txId, decision.blockNumber)' })
  @ApiOkResponse({ type: ApplicationResponse })
  admit(@Req() req: Request, @Param() params: ApplicationIdParam, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.requestCommitted(req, NodeRegistryAdmitApplication.CONTRACT, { applicationId: params.applicationId }, user);
  }

  @Post(':applicationId/reject')
  @Idempotent()
  @Roles('consortium-admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject, with a reason; recorded on-chain' })
  @ApiOkResponse({ type: ApplicationResponse })
  reject(@Req() req: Request, @Param() params: ApplicationIdParam, @Body() body: RejectDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.requestCommitted(req, NodeRegistryRejectApplication.CONTRACT, { applicationId: params.applicationId, reason: body.reason }, user);
  }
}
