import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AccessTokenClaims } from '@phdmf/auth';
import { AuthorizationDenyAccess, AuthorizationErrorCode, AuthorizationGetAccessRequest, AuthorizationGrantAccess, AuthorizationListAccessRequests, AuthorizationRequestAccess, AuthorizationRevokeAccess, LedgerChaincodeErrorCode, LedgerErrorCode, PaginationErrorCode } from '@phdmf/contracts';
import { CurrentUser, Roles } from '../auth/decorators';
import { EdgeBus } from '../bus/edge-bus';
import { Idempotent } from '../edge/idempotency';
import { ApiErrors } from '../edge/openapi-errors';
import { AccessRequestDto, AccessRequestsQueryDto, GrantDto, DenyDto, RequestIdParam, RevokeDto } from './dto';
import { AccessRequestListResponse, AccessRequestResponse } from './openapi';

/**
 * Access requests and the owners' decisions. Roles are checked here; whether the caller's
 * institution owns the dataset (or the caller made the request) only the authorization service
 * knows, and it refuses with 403 ACCESS.FORBIDDEN.
 */
@ApiTags('access')
@ApiBearerAuth()
@ApiErrors(AuthorizationErrorCode, LedgerErrorCode, LedgerChaincodeErrorCode)
@Controller('access-requests')
export class AccessRequestsController {
  constructor(private readonly bus: EdgeBus) {}

  @Post()
  @Idempotent()
  @Roles('researcher', 'member', 'institution-admin')
  @ApiOperation({
    summary: 'Apply for access to a dataset; answered once the request is committed on-chain (status pending, txId, blockNumber)',
    description:
      'While the ledger does not answer: 503 LEDGER.UNAVAILABLE (details.retryable), nothing recorded. Sending the same request again is safe: ' +
      'its id derives from the requester and the request, so a request whose first answer was lost is answered from its ledger record, never filed twice.',
  })
  @ApiCreatedResponse({ type: AccessRequestResponse })
  apply(@Req() req: Request, @Body() body: AccessRequestDto, @CurrentUser() user: AccessTokenClaims) {
    const payload: AuthorizationRequestAccess.Payload = {
      datasetId: body.datasetId,
      purpose: body.purpose,
      columns: body.columns,
      statistics: body.statistics,
      requestedExpiry: body.requestedExpiry,
      ...(body.privacyMode !== undefined ? { privacyMode: body.privacyMode } : {}),
      ...(body.budgetRho !== undefined ? { budgetRho: body.budgetRho } : {}),
    };
    return this.bus.requestCommitted(req, AuthorizationRequestAccess.CONTRACT, payload, user);
  }

  @Get()
  @ApiErrors(PaginationErrorCode)
  @ApiOperation({
    summary: 'Your requests (scope=mine), or those on your institution\'s datasets (scope=incoming; its admins and members), newest first (by request time, then id), a page at a time; filters: status, datasetId, from/to (request time)',
  })
  @ApiOkResponse({ type: AccessRequestListResponse })
  list(@Req() req: Request, @Query() query: AccessRequestsQueryDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AuthorizationListAccessRequests.CONTRACT, { ...query }, user);
  }

  @Get(':requestId')
  @ApiOperation({ summary: 'One request (its requester, the owner institution\'s staff, or a consortium admin)' })
  @ApiOkResponse({ type: AccessRequestResponse })
  get(@Req() req: Request, @Param() params: RequestIdParam, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AuthorizationGetAccessRequest.CONTRACT, { requestId: params.requestId }, user);
  }

  @Post(':requestId/grant')
  @Idempotent()
  @Roles('institution-admin', 'member')
  @HttpCode(200)
  @ApiOperation({ summary: 'Grant a pending request, possibly narrowed (columns, statistics, earlier expiry); signed as your institution, answered once committed' })
  @ApiOkResponse({ type: AccessRequestResponse })
  grant(@Req() req: Request, @Param() params: RequestIdParam, @Body() body: GrantDto, @CurrentUser() user: AccessTokenClaims) {
    const payload: AuthorizationGrantAccess.Payload = {
      requestId: params.requestId,
      ...(body.columns !== undefined ? { columns: body.columns } : {}),
      ...(body.statistics !== undefined ? { statistics: body.statistics } : {}),
      ...(body.expiresAt !== undefined ? { expiresAt: body.expiresAt } : {}),
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
      ...(body.followsUpdates !== undefined ? { followsUpdates: body.followsUpdates } : {}),
      ...(body.privacyMode !== undefined ? { privacyMode: body.privacyMode } : {}),
      ...(body.budgetRho !== undefined ? { budgetRho: body.budgetRho } : {}),
    };
    return this.bus.requestCommitted(req, AuthorizationGrantAccess.CONTRACT, payload, user);
  }

  @Post(':requestId/deny')
  @Idempotent()
  @Roles('institution-admin', 'member')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deny a pending request, with a reason; answered once committed' })
  @ApiOkResponse({ type: AccessRequestResponse })
  deny(@Req() req: Request, @Param() params: RequestIdParam, @Body() body: DenyDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.requestCommitted(req, AuthorizationDenyAccess.CONTRACT, { requestId: params.requestId, reason: body.reason }, user);
  }

  @Post(':requestId/revoke')
  @Idempotent()
  @Roles('institution-admin', 'member')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a granted request, with a reason; answered once committed' })
  @ApiOkResponse({ type: AccessRequestResponse })
  revoke(@Req() req: Request, @Param() params: RequestIdParam, @Body() body: RevokeDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.requestCommitted(req, AuthorizationRevokeAccess.CONTRACT, { requestId: params.requestId, reason: body.reason }, user);
  }
}
