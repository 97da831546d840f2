// The browser console's refresh token, held as OWASP's guidance for browser applications says: in a
// cookie script cannot read (HttpOnly), sent only over a secure context (Secure: browsers count
// http://127.0.0.1 and localhost as one), never on a request another site starts (SameSite=Strict),
// and only to the credential routes (Path). The access token stays in the page's memory.
// Non-browser clients keep the bearer/JSON flow: the cookie is set only when the client asks for it.
import type { Request, Response } from 'express';
import { AccountsErrorCode, PhdmfError } from '@phdmf/contracts';

/** `__Secure-`: a browser refuses the cookie unless it is Secure and set from a secure origin. */
export const REFRESH_COOKIE = '__Secure-phdmf-refresh';

/** Sent to refresh and sign-out only (both under /auth), never to the data routes. */
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

/** How sign-in asks for the cookie: `?refreshIn=cookie` (the default, `body`, is the JSON flow). */
export const REFRESH_IN = ['body', 'cookie'] as const;
export type RefreshIn = (typeof REFRESH_IN)[number];

/**
 * Beside it, readable by the page and holding nothing secret: "this browser has a session", so that a
 * page load asks for a silent refresh only when there is one to restore (and a visitor's first page
 * does not start with a refused call).
 */
export const SESSION_HINT_COOKIE = 'phdmf-session';

export function setRefreshCookie(res: Response, refreshToken: string, maxAgeSeconds: number): void {
  res.cookie(REFRESH_COOKIE, refreshToken, { httpOnly: true, secure: true, sameSite: 'strict', path: REFRESH_COOKIE_PATH, maxAge: maxAgeSeconds * 1000 });
  res.cookie(SESSION_HINT_COOKIE, '1', { httpOnly: false, secure: true, sameSite: 'strict', path: '/', maxAge: maxAgeSeconds * 1000 });
}

export function clearRefreshCookie(res: Response): void {
  res.clearCookie(REFRESH_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: REFRESH_COOKIE_PATH });
  res.clearCookie(SESSION_HINT_COOKIE, { httpOnly: false, secure: true, sameSite: 'strict', path: '/' });
}

/**
 * The one cookie the edge reads (Express 5 parses none; a cookie-parser middleware would parse every
 * cookie of every request for this one). res.cookie wrote it URI-encoded.
 */
export function refreshCookieOf(req: Request): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== REFRESH_COOKIE) continue;
    try {
      const value = decodeURIComponent(part.slice(eq + 1).trim());
      return value.length > 0 ? value : undefined;
    } catch {
      return undefined; // malformed encoding: as if absent (the refresh then fails as invalid)
    }
  }
  return undefined;
}

/**
 * The CSRF check for every call the cookie authorises (SameSite=Strict is the first line; this is the
 * second, for browsers or proxies that drop SameSite): the page that sent it is this origin or one
 * CORS_ORIGINS names. A request naming no origin is refused, since every browser names one on a POST.
 */
export function assertCookieOrigin(req: Request, allowedOrigins: readonly string[]): void {
  const origin = req.header('origin');
  const own = `${req.protocol}://${req.header('host') ?? ''}`;
  if (origin !== undefined && (origin === own || allowedOrigins.includes(origin))) return;
  throw new PhdmfError(AccountsErrorCode.ORIGIN_REFUSED, 'The refresh-token cookie is accepted only from the console\'s own origin');
}
