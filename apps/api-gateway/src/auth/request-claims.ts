import type { Request } from 'express';
import type { AccessTokenClaims, TokenVerifier } from '@phdmf/auth';

// One verification per request, shared by the rate limiter (which keys on the token's subject) and
// the authentication guard that runs after it.
const verified = new WeakMap<Request, Promise<AccessTokenClaims>>();

/** The request's bearer token, verified (AUTH.* error when it is missing or invalid). */
export function verifiedClaims(req: Request, verifier: TokenVerifier): Promise<AccessTokenClaims> {
  let claims = verified.get(req);
  if (!claims) {
    const header = req.headers.authorization;
    const match = header ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    claims = verifier.verify(match?.[1]);
    verified.set(req, claims);
  }
  return claims;
}
