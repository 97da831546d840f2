// The console's API client: @phdmf/client (openapi-fetch typed by the edge's OpenAPI document, with
// Idempotency-Keys on committing calls, retries on 429/503, typed errors and the verification helpers),
// so no page hand-writes a URL or a body shape. The session is the console's own (session.ts): the
// access token is held in this module's memory only and added to each call here; the refresh token
// never reaches script (an HttpOnly cookie the edge reads on /auth/refresh).
import { createPhdmfClient, ok } from '@phdmf/client';
import { ApiError, asApiError } from './errors';

let accessToken: string | undefined;
let onUnauthenticated: (() => void) | undefined;

/** Held in memory only (OWASP: never localStorage, never a readable cookie). */
export function setAccessToken(token: string | undefined): void {
  accessToken = token;
}

/** The access token, for the one other API the console calls: the user's own storage site (upload). */
export function currentAccessToken(): string | undefined {
  return accessToken;
}

/** Called when a call sent with a token is answered 401: the session is over. */
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

async function withSession(request: Request): Promise<Response> {
  const sentWithToken = accessToken !== undefined && !request.headers.has('authorization');
  if (sentWithToken) request.headers.set('authorization', `Bearer ${accessToken ?? ''}`);
  const response = await fetch(request, { credentials: 'same-origin' });
  if (response.status === 401 && sentWithToken) onUnauthenticated?.();
  return response;
}

/** The console's origin is the edge's: the API is same-origin (no CORS, the cookie stays SameSite=Strict). */
export const phdmf = createPhdmfClient({ baseUrl: window.location.origin, fetch: withSession });
export const api = phdmf.api;

/** The answer's data, or the edge's coded error thrown as an ApiError the pages show. */
export async function call<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  try {
    return await ok(pending);
  } catch (error) {
    throw asApiError(error);
  }
}

export { ApiError };
