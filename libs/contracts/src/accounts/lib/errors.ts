/** Codes of the accounts service's errors; the REST edge maps each to one HTTP status. */
export const AccountsErrorCode = {
  /** Email and password do not match an active account (deliberately silent about which). */
  INVALID_CREDENTIALS: 'AUTH.INVALID_CREDENTIALS',
  /** Too many failed logins for this account or from this address; retry after `retryAfterSeconds`. */
  LOGIN_THROTTLED: 'AUTH.LOGIN_THROTTLED',
  /** The refresh token is unknown, expired, revoked or malformed. */
  REFRESH_INVALID: 'AUTH.REFRESH_INVALID',
  /** A refresh token that was already rotated was presented again: its whole family is revoked. */
  REFRESH_REUSED: 'AUTH.REFRESH_REUSED',
  /**
   * A sign-in, refresh or sign-out that uses the refresh-token cookie came from a page of another
   * origin (or named none): the edge's CSRF check, beside the cookie's SameSite=Strict.
   */
  ORIGIN_REFUSED: 'AUTH.ORIGIN_REFUSED',
  /** The request carries no acting user, or one whose account no longer exists or is disabled. */
  UNAUTHENTICATED: 'AUTH.UNAUTHENTICATED',
  /** The acting user may not do this (role or organisation). */
  FORBIDDEN: 'ACCOUNTS.FORBIDDEN',
  /** An account with this email already exists (member creation; self-registration does not say). */
  EMAIL_TAKEN: 'ACCOUNTS.EMAIL_TAKEN',
  USER_NOT_FOUND: 'ACCOUNTS.USER_NOT_FOUND',
  /** The current password given with a password change is wrong. */
  WRONG_PASSWORD: 'ACCOUNTS.WRONG_PASSWORD',
  /** The new password does not meet the password policy. */
  WEAK_PASSWORD: 'ACCOUNTS.WEAK_PASSWORD',
} as const;

/** One of {@link AccountsErrorCode}. */
export type AccountsErrorCode = (typeof AccountsErrorCode)[keyof typeof AccountsErrorCode];
