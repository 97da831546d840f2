// The one API client of the console: openapi-fetch typed by the edge's own OpenAPI document
// (schema.d.ts, generated — see the README), so no page hand-writes a URL or a body shape.
// The access token is added here from memory (session.ts); nothing is kept in storage.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { ApiError, apiErrorFrom } from './errors';

let accessToken: string | undefined;
let onUnauthenticated: (() => void) | undefined;

/** Held in this module's memory only (OWASP: never localStorage, never a readable cookie). */
export function setAccessToken(token: string | undefined): void {
  accessToken = token;
}

/** Called when a call with a token is answered 401: the session is over. */
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

const auth: Middleware = {
  onRequest({ request }) {
    if (accessToken !== undefined && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${accessToken}`);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && request.headers.has('authorization')) onUnauthenticated?.();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '/', credentials: 'same-origin' });
api.use(auth);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or the edge's coded error thrown as an ApiError. */
export async function call<T>(pending: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await pending;
  } catch {
    throw new ApiError('NETWORK.UNREACHABLE', 'network', 0);
  }
  if (answer.response.ok) return answer.data as T;
  throw apiErrorFrom(answer.response.status, answer.error);
}
