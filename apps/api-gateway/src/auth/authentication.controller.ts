import { Body, Controller, Get, Header, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AccessTokenClaims } from '@phdmf/auth';
import { AccountsChangePassword, AccountsErrorCode, AccountsGetCurrentUser, AccountsGetJwks, AccountsGetLoginHistory, AccountsLogin, AccountsLogout, AccountsRefreshToken, AccountsRegisterResearcher, AccountsUpdateProfile, PaginationErrorCode, type AccountsLogin as LoginNs } from '@phdmf/contracts';
import { LoginHistoryResponse, PasswordChangedResponse, TokenResponse, UserResponse } from '../edge/openapi-schemas';
import { ChangePasswordDto, HistoryQueryDto, LoginDto, RefreshDto, RegisterDto, UpdateProfileDto } from './dto';
import { CredentialEndpoint, CurrentUser, Public } from './decorators';
import { ApiErrors } from '../edge/openapi-errors';
import { queryPayload } from '../edge/validation';
import { EdgeBus } from '../bus/edge-bus';

/** Where the request came from, for login history and the password-attempt throttle in accounts. */
function clientInfo(req: Request): Pick<LoginNs.Payload, 'address' | 'userAgent'> {
  const address = req.ip?.replace(/^::ffff:/, '');
  const userAgent = req.header('user-agent')?.slice(0, 512);
  return { ...(address ? { address } : {}), ...(userAgent ? { userAgent } : {}) };
}

@ApiTags('auth')
@ApiErrors(AccountsErrorCode)
@Controller('auth')
export class AuthenticationController {
  constructor(private readonly bus: EdgeBus) {}

  @Post('register')
  @Public()
  @CredentialEndpoint()
  @ApiOperation({ summary: 'Register as a researcher (the only self-registration)' })
  @ApiCreatedResponse({ type: UserResponse })
  register(@Req() req: Request, @Body() body: RegisterDto) {
    return this.bus.request(req, AccountsRegisterResearcher.CONTRACT, body);
  }

  @Post('login')
  @Public()
  @CredentialEndpoint()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with email and password; repeated failures are throttled (429 AUTH.LOGIN_THROTTLED)' })
  @ApiOkResponse({ type: TokenResponse })
  login(@Req() req: Request, @Body() body: LoginDto) {
    return this.bus.request(req, AccountsLogin.CONTRACT, { email: body.email, password: body.password, ...clientInfo(req) });
  }

  @Post('refresh')
  @Public()
  @CredentialEndpoint()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair; a reused refresh token revokes the session' })
  @ApiOkResponse({ type: TokenResponse })
  refresh(@Req() req: Request, @Body() body: RefreshDto) {
    return this.bus.request(req, AccountsRefreshToken.CONTRACT, { refreshToken: body.refreshToken, ...clientInfo(req) });
  }

  @Post('logout')
  @Public()
  @CredentialEndpoint()
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session the refresh token belongs to' })
  @ApiNoContentResponse()
  async logout(@Req() req: Request, @Body() body: RefreshDto): Promise<void> {
    await this.bus.request(req, AccountsLogout.CONTRACT, body);
  }

  @Get('jwks')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'The public keys access tokens are signed with (JWK Set), for verifiers outside the bus' })
  @ApiOkResponse({ schema: { type: 'object', properties: { keys: { type: 'array', items: { type: 'object', additionalProperties: true } } } } })
  jwks(@Req() req: Request) {
    return this.bus.request(req, AccountsGetJwks.CONTRACT, {});
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The calling user' })
  @ApiOkResponse({ type: UserResponse })
  me(@Req() req: Request, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AccountsGetCurrentUser.CONTRACT, {}, user);
  }

  @Patch('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change the calling user\'s profile' })
  @ApiOkResponse({ type: UserResponse })
  updateProfile(@Req() req: Request, @Body() body: UpdateProfileDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AccountsUpdateProfile.CONTRACT, body, user);
  }

  @Post('password')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the password (needs the current one); ends every session. Wrong current passwords are throttled like logins (429 AUTH.LOGIN_THROTTLED)' })
  @ApiOkResponse({ type: PasswordChangedResponse })
  changePassword(@Req() req: Request, @Body() body: ChangePasswordDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AccountsChangePassword.CONTRACT, { currentPassword: body.currentPassword, newPassword: body.newPassword, ...clientInfo(req) }, user);
  }

  @Get('login-history')
  @ApiBearerAuth()
  @ApiErrors(PaginationErrorCode)
  @ApiOperation({ summary: 'The calling user\'s login attempts, newest first, a page at a time; filters: outcome, from/to' })
  @ApiOkResponse({ type: LoginHistoryResponse })
  loginHistory(@Req() req: Request, @Query() query: HistoryQueryDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AccountsGetLoginHistory.CONTRACT, queryPayload(query), user);
  }
}
