import { ROLES, type Role } from '@phdmf/contracts';

/** The JOSE header `typ` of PHDMF access tokens (RFC 9068); refused for any other token type. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** The only signature algorithms accepted (RFC 8725 §3.1: an explicit allow-list, never `none`). */
export const ACCEPTED_ALGORITHMS = ['EdDSA', 'ES256'] as const;

/** What a verified access token says about its bearer. */
export interface AccessTokenClaims {
  /** Pseudonymous user id. */
  userId: string;
  /** The institution (member organisation) the user belongs to; absent for researchers. */
  organisationId?: string;
  roles: Role[];
  tokenId: string;
  expiresAt: Date;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
