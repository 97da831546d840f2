import { Body, Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AccessTokenClaims } from '@phdmf/auth';
import { AccountsCreateMember, AccountsErrorCode, AccountsGetLoginHistory, AccountsListUsers, PaginationErrorCode } from '@phdmf/contracts';
import { LoginHistoryResponse, UserListResponse, UserResponse } from '../edge/openapi-schemas';
import { CreateMemberDto, HistoryQueryDto, MemberIdParam, UserIdParam, UsersQueryDto } from './dto';
import { CurrentUser, Roles, SameOrganisation } from './decorators';
import { ApiErrors } from '../edge/openapi-errors';
import { EdgeBus } from '../bus/edge-bus';

@ApiTags('users')
@ApiBearerAuth()
@ApiErrors(AccountsErrorCode)
@Controller()
export class UsersController {
  constructor(private readonly bus: EdgeBus) {}

  @Get('users/:userId/login-history')
  @Roles('consortium-admin', 'institution-admin')
  @ApiErrors(PaginationErrorCode)
  @ApiOperation({
    summary: 'A user\'s login attempts (any user for the consortium admin, own institution\'s users for an institution admin), newest first, a page at a time; filters: outcome, from/to',
  })
  @ApiOkResponse({ type: LoginHistoryResponse })
  loginHistory(@Req() req: Request, @Param() params: UserIdParam, @Query() query: HistoryQueryDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AccountsGetLoginHistory.CONTRACT, { ...query, userId: params.userId }, user);
  }

  @Get('institutions/:memberId/users')
  @Roles('consortium-admin', 'institution-admin')
  @SameOrganisation('memberId')
  @ApiErrors(PaginationErrorCode)
  @ApiOperation({ summary: 'The users of an institution, newest account first (by creation time, then id), a page at a time; filter: status' })
  @ApiOkResponse({ type: UserListResponse })
  list(@Req() req: Request, @Param() params: MemberIdParam, @Query() query: UsersQueryDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AccountsListUsers.CONTRACT, { ...query, organisationId: params.memberId }, user);
  }

  @Post('institutions/:memberId/users')
  @Roles('institution-admin')
  @SameOrganisation('memberId')
  @ApiOperation({ summary: 'Create a member (staff) account of the caller\'s own institution' })
  @ApiCreatedResponse({ type: UserResponse })
  create(@Req() req: Request, @Param() params: MemberIdParam, @Body() body: CreateMemberDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AccountsCreateMember.CONTRACT, { email: body.email, password: body.password, displayName: body.displayName, organisationId: params.memberId }, user);
  }
}
