import { Body, Controller, Get, Header, HttpCode, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AccessTokenClaims } from '@phdmf/auth';
import { AccountsChangePassword, AccountsErrorCode, AccountsGetCurrentUser, AccountsGetJwks, AccountsGetLoginHistory, AccountsLogin, AccountsLogout, AccountsRefreshToken, AccountsRegisterResearcher, AccountsUpdateProfile, PaginationErrorCode, PhdmfError, validationFailed, type AccountsLogin as LoginNs } from '@phdmf/contracts';
import type { TokenPair } from '@phdmf/contracts';
import { ApiGatewayConfig } from '../config';
import { CookieTokenResponse, LoginHistoryResponse, PasswordChangedResponse, TokenResponse, UserResponse } from '../edge/openapi-schemas';
import { ChangePasswordDto, HistoryQueryDto, LoginDto, RefreshInQueryDto, RefreshOrCookieDto, RegisterDto, UpdateProfileDto } from './dto';
import { assertCookieOrigin, clearRefreshCookie, refreshCookieOf, setRefreshCookie } from './refresh-cookie';
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

/** A token pair as the JSON flow answers it, or (cookie mode) with its refresh token in the cookie only. */
const TOKENS_OR_COOKIE = { schema: { oneOf: [{ $ref: getSchemaPath(TokenResponse) }, { $ref: getSchemaPath(CookieTokenResponse) }] } };

@ApiTags('auth')
@ApiErrors(AccountsErrorCode)
@ApiExtraModels(TokenResponse, CookieTokenResponse)
@Controller('auth')
export class AuthenticationController {
  constructor(
    private readonly bus: EdgeBus,
    private readonly config: ApiGatewayConfig,
  ) {}

  /** Cookie mode: the refresh token goes into the HttpOnly cookie and is left out of the body. */
  private inCookie(res: Response, pair: TokenPair): Omit<TokenPair, 'refreshToken'> {
    const { refreshToken, ...rest } = pair;
    setRefreshCookie(res, refreshToken, pair.refreshExpiresIn);
    return rest;
  }

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
  @ApiOperation({
    summary: 'Log in with email and password; repeated failures are throttled (429 AUTH.LOGIN_THROTTLED). With `refreshIn=cookie` (the browser console) the refresh token is set as an HttpOnly cookie instead of answered',
  })
  @ApiOkResponse(TOKENS_OR_COOKIE)
  async login(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: LoginDto, @Query() query: RefreshInQueryDto) {
    if (query.refreshIn === 'cookie') assertCookieOrigin(req, this.config.corsOrigins);
    const pair = await this.bus.request(req, AccountsLogin.CONTRACT, { email: body.email, password: body.password, ...clientInfo(req) });
    return query.refreshIn === 'cookie' ? this.inCookie(res, pair) : pair;
  }

  @Post('refresh')
  @Public()
  @CredentialEndpoint()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair; a reused refresh token revokes the session. Without `refreshToken` in the body, the cookie sign-in set is used (same origin only) and renewed',
  })
  @ApiOkResponse(TOKENS_OR_COOKIE)
  async refresh(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: RefreshOrCookieDto) {
    if (body.refreshToken !== undefined) return this.bus.request(req, AccountsRefreshToken.CONTRACT, { refreshToken: body.refreshToken, ...clientInfo(req) });
    const refreshToken = cookieToken(req, this.config.corsOrigins);
    try {
      return this.inCookie(res, await this.bus.request(req, AccountsRefreshToken.CONTRACT, { refreshToken, ...clientInfo(req) }));
    } catch (error) {
      // A dead cookie is dropped, so the browser stops sending it.
      if (error instanceof PhdmfError && error.code.startsWith('AUTH.REFRESH_')) clearRefreshCookie(res);
      throw error;
    }
  }

  @Post('logout')
  @Public()
  @CredentialEndpoint()
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session the refresh token belongs to (from the body, or else the console\'s cookie, which is then cleared)' })
  @ApiNoContentResponse()
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: RefreshOrCookieDto): Promise<void> {
    if (body.refreshToken !== undefined) {
      await this.bus.request(req, AccountsLogout.CONTRACT, { refreshToken: body.refreshToken });
      return;
    }
    const refreshToken = cookieToken(req, this.config.corsOrigins);
    clearRefreshCookie(res);
    await this.bus.request(req, AccountsLogout.CONTRACT, { refreshToken });
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

/**
 * The refresh token from the console's cookie, when the body names none. Neither in the body nor in a
 * cookie: the JSON flow's 400 (the field is required there). The Origin is checked only when the cookie
 * is there to be used: a cross-site page must not spend it (SameSite=Strict is the first guard).
 */
function cookieToken(req: Request, allowedOrigins: readonly string[]): string {
  const refreshToken = refreshCookieOf(req);
  if (refreshToken === undefined) {
    throw validationFailed('Invalid request body', [{ field: 'refreshToken', problems: ['refreshToken is required (in the body, or the refresh cookie of a console sign-in)'] }]);
  }
  assertCookieOrigin(req, allowedOrigins);
  return refreshToken;
}
