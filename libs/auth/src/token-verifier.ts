import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
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
  /**
   * How many verified tokens to remember (0 turns the cache off). A token is an immutable string:
   * once its signature and claims checked out, only its expiry can change the verdict, and that is
   * checked on every hit. A busy edge then verifies each token once, not once per request.
   */
  cacheSize?: number;
}

/**
 * Verifies PHDMF access tokens with the RFC 8725 checks: algorithm allow-list (EdDSA, ES256; never
 * `none` or HMAC), explicit `typ` (at+jwt), issuer, audience, expiry, and required claims. Keys come
 * from the accounts service's JWKS; a token naming an unknown key id triggers one refresh.
 */
export class TokenVerifier {
  // The key set object a source returns changes only when it was fetched again; reusing jose's
  // local set keeps the imported keys, so each verification does not import them anew.
  private local?: { jwks: JSONWebKeySet; keys: ReturnType<typeof createLocalJWKSet> };
  private readonly verified = new Map<string, AccessTokenClaims>();

  constructor(
    private readonly source: JwksSource,
    private readonly options: TokenVerifierOptions,
  ) {}

  async verify(token: string | undefined): Promise<AccessTokenClaims> {
    if (!token) throw new PhdmfError(AuthErrorCode.TOKEN_INVALID, 'Missing bearer token');
    const cached = this.verified.get(token);
    if (cached) {
      // The same tolerance jose applies, so a cached and a fresh verification agree.
      if (cached.expiresAt.getTime() + (this.options.clockToleranceSec ?? 5) * 1000 > Date.now()) return cached;
      this.verified.delete(token);
    }
    let claims: AccessTokenClaims;
    try {
      claims = toClaims(await this.verifyWith(token, false));
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) return rethrow(error);
      claims = toClaims(await this.verifyWith(token, true).catch(rethrow));
    }
    this.remember(token, claims);
    return claims;
  }

  private remember(token: string, claims: AccessTokenClaims): void {
    const size = this.options.cacheSize ?? 10_000;
    if (size <= 0) return;
    // Map keeps insertion order: dropping the first entry drops the oldest (FIFO is enough here).
    if (this.verified.size >= size) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, claims);
  }

  private async verifyWith(token: string, refresh: boolean): Promise<JWTPayload> {
    const jwks = await this.source.keySet(refresh);
    if (this.local?.jwks !== jwks) this.local = { jwks, keys: createLocalJWKSet(jwks) };
    const keys = this.local.keys;
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
