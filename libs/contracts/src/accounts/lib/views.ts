import type { Role } from '../../lib/actor';

/** A user as other services and the REST edge see it (never the password hash). */
export interface UserView {
  userId: string;
  email: string;
  displayName: string;
  roles: Role[];
  /** The institution (consortium member id) the user belongs to; absent for researchers and the consortium admin. */
  organisationId?: string;
  status: 'active' | 'disabled';
  createdAt: string;
  updatedAt: string;
}

/** What a successful login or refresh returns. */
export interface TokenPair {
  tokenType: 'Bearer';
  /** EdDSA-signed JWT (typ at+jwt), short-lived. */
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** Opaque, single-use: each refresh returns a new one and retires the old. */
  refreshToken: string;
  refreshExpiresIn: number;
}

/** One login attempt. */
export interface LoginHistoryEntry {
  at: string;
  success: boolean;
  /** Why it failed (`AUTH.INVALID_CREDENTIALS`, `AUTH.LOGIN_THROTTLED`, …); absent on success. */
  failureCode?: string;
  address?: string;
  userAgent?: string;
}
