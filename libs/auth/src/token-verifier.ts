import { createLocalJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { PhdmfError } from '@phdmf/contracts';
import { ACCEPTED_ALGORITHMS, ACCESS_TOKEN_TYPE, isRole, type AccessTokenClaims } from './claims';
import type { JwksSource } from './jwks-source';

/** Error codes of token verification; the REST edge maps them to 401. */
export const AuthErrorCode = {
  /** No token, or a token that fails any check (signature, algorithm, type, issuer, audience, claims). */
  TOKEN_INVALID: 'AUTH.TOKEN_INVALID',
  /** A well-formed, correctly signed token whose `exp` has passed. */
  TOKEN_EXPIRED: 'AUTH.TOKEN_EXPIRED',
} as const;

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Seconds of clock skew tolerated on exp/nbf/iat. */
  clockToleranceSec?: number;
}

/**
 * Verifies PHDMF access tokens with the RFC 8725 checks: algorithm allow-list (EdDSA, ES256; never
 * `none` or HMAC), explicit `typ` (at+jwt), issuer, audience, expiry, and required claims. Keys come
 * from the accounts service's JWKS; a token naming an unknown key id triggers one refresh.
 */
export class TokenVerifier {
  constructor(
    private readonly source: JwksSource,
    private readonly options: TokenVerifierOptions,
  ) {}

  async verify(token: string | undefined): Promise<AccessTokenClaims> {
    if (!token) throw new PhdmfError(AuthErrorCode.TOKEN_INVALID, 'Missing bearer token');
    try {
      return toClaims(await this.verifyWith(token, false));
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) return toClaims(await this.verifyWith(token, true).catch(rethrow));
      return rethrow(error);
    }
  }

  private async verifyWith(token: string, refresh: boolean): Promise<JWTPayload> {
    const keys = createLocalJWKSet(await this.source.keySet(refresh));
    const { payload } = await jwtVerify(token, keys, {
      algorithms: [...ACCEPTED_ALGORITHMS],
      typ: ACCESS_TOKEN_TYPE,
      issuer: this.options.issuer,
      audience: this.options.audience,
      clockTolerance: this.options.clockToleranceSec ?? 5,
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
    });
    return payload;
  }
}

function rethrow(error: unknown): never {
  if (error instanceof PhdmfError) throw error;
  if (error instanceof errors.JWTExpired) throw new PhdmfError(AuthErrorCode.TOKEN_EXPIRED, 'Access token expired');
  // Deliberately vague towards the caller: which check failed is logged by the caller, not returned.
  const reason = error instanceof errors.JOSEError ? error.code : 'ERR_UNKNOWN';
  throw new PhdmfError(AuthErrorCode.TOKEN_INVALID, 'Invalid access token', { reason });
}

function toClaims(payload: JWTPayload): AccessTokenClaims {
  const roles = Array.isArray(payload.roles) ? payload.roles : [];
  if (!payload.sub || !payload.jti || payload.exp === undefined || roles.length === 0 || !roles.every(isRole)) {
    throw new PhdmfError(AuthErrorCode.TOKEN_INVALID, 'Invalid access token', { reason: 'ERR_CLAIMS' });
  }
  const org = payload.org;
  if (org !== undefined && typeof org !== 'string') {
    throw new PhdmfError(AuthErrorCode.TOKEN_INVALID, 'Invalid access token', { reason: 'ERR_CLAIMS' });
  }
  return {
    userId: payload.sub,
    ...(org ? { organisationId: org } : {}),
    roles,
    tokenId: payload.jti,
    expiresAt: new Date(payload.exp * 1000),
  };
}
