// What a long-running client needs to pace itself: the IETF httpapi RateLimit header fields
// (draft-ietf-httpapi-ratelimit-headers, the `RateLimit-Limit` / `-Remaining` / `-Reset` form that
// express-rate-limit and most gateways send) on every answer of a throttled route, and `Retry-After`
// (RFC 9110) on every 429.
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Response } from 'express';
import { PROBES_TAG } from './openapi-errors';

/** One limit's state after a request: its quota per window, what is left, seconds until it is whole again. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

const NOTED = Symbol('phdmf:rate-limit');

/**
 * Records one limit's state for this answer and writes the headers. A route under two limits (the
 * credential endpoints: all endpoints' and the credentials' own) answers with the one closest to
 * refusing — the fewest remaining, then the later reset — as the draft asks when several apply, so a
 * client that follows the headers never meets the other first.
 */
export function noteRateLimit(res: Response, state: RateLimitState): void {
  const holder = res as unknown as { [NOTED]?: RateLimitState };
  const previous = holder[NOTED];
  const tighter = previous === undefined || state.remaining < previous.remaining || (state.remaining === previous.remaining && state.resetSeconds > previous.resetSeconds);
  if (!tighter) return;
  holder[NOTED] = state;
  res.setHeader('RateLimit-Limit', String(state.limit));
  res.setHeader('RateLimit-Remaining', String(state.remaining));
  res.setHeader('RateLimit-Reset', String(state.resetSeconds));
}

/** The header names a browser client may read (CORS). */
export const RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'] as const;

const SECONDS = { type: 'integer', minimum: 0 } as const;

/** The headers as OpenAPI components, referenced from every answer of every throttled operation. */
const COMPONENTS = {
  'RateLimit-Limit': { description: 'Requests allowed per window (60 s) under the limit closest to refusing this client', schema: { type: 'integer', minimum: 1 } },
  'RateLimit-Remaining': { description: 'Requests left in the current window under that limit', schema: SECONDS },
  'RateLimit-Reset': { description: 'Seconds until that limit is whole again (on a 429: until requests are taken again)', schema: SECONDS },
  'Retry-After': { description: 'Seconds to wait before sending again', schema: SECONDS },
} as const;

/**
 * Documents the headers on every operation but the probes (which are not throttled): the RateLimit
 * fields on each answer that passed the limiter (absent only when the request was refused before it:
 * a malformed request line, headers or body), and `Retry-After` on 429 (required there).
 */
export function documentRateLimitHeaders(document: OpenAPIObject): void {
  document.components ??= {};
  document.components.headers = { ...(document.components.headers ?? {}), ...COMPONENTS };
  const ref = (name: keyof typeof COMPONENTS) => ({ $ref: `#/components/headers/${name}` });
  for (const item of Object.values(document.paths)) {
    for (const value of Object.values(item)) {
      if (typeof value !== 'object' || value === null || !('responses' in value)) continue;
      const op = value as { tags?: string[]; responses: Record<string, { headers?: Record<string, unknown> }> };
      if (op.tags?.includes(PROBES_TAG)) continue;
      for (const [status, response] of Object.entries(op.responses)) {
        if ('$ref' in response) continue;
        response.headers = {
          ...(response.headers ?? {}),
          'RateLimit-Limit': ref('RateLimit-Limit'),
          'RateLimit-Remaining': ref('RateLimit-Remaining'),
          'RateLimit-Reset': ref('RateLimit-Reset'),
          ...(status === '429' ? { 'Retry-After': { ...ref('Retry-After'), required: true } } : {}),
        };
      }
    }
  }
}
