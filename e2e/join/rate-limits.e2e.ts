// Acceptance: the edge's rate limits are per user for authenticated calls (the verified token's
// subject) and per address for anonymous ones, so users behind one address do not share an allowance.
import { Api, type ErrorBody } from './support/http';
import { Stack } from './support/stack';

jest.setTimeout(120_000);

const LIMIT = 8;

describe('edge rate limits per user (e2e)', () => {
  let stack: Stack;
  let api: Api;

  beforeAll(async () => {
    stack = await Stack.start({ gatewayEnv: { RATE_LIMIT_PER_MINUTE: String(LIMIT), AUTH_RATE_LIMIT_PER_MINUTE: '100000' } });
    api = new Api(stack.baseUrl);
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('counts an authenticated user\'s calls against the user, not against the address others share', async () => {
    // Every call here comes from 127.0.0.1, as from behind one proxy.
    await api.register('busy@uni.test', 'a rate limit password');
    await api.register('quiet@uni.test', 'a rate limit password');
    const busy = await api.login('busy@uni.test', 'a rate limit password');
    const quiet = await api.login('quiet@uni.test', 'a rate limit password');
    const statuses: number[] = [];
    const remaining: string[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const res = await api.get('/api/v1/auth/me', busy.accessToken);
      statuses.push(res.status);
      // Where the client stands, on every answer: the IETF RateLimit fields (checked against the document too).
      expect(res.headers.get('ratelimit-limit')).toBe(String(LIMIT));
      remaining.push(res.headers.get('ratelimit-remaining') ?? '');
    }
    expect(statuses).toEqual(Array.from({ length: LIMIT }, () => 200));
    expect(remaining).toEqual(Array.from({ length: LIMIT }, (_, i) => String(LIMIT - 1 - i)));
    const refused = await api.get<ErrorBody>('/api/v1/auth/me', busy.accessToken);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('HTTP.RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('ratelimit-reset')).toBe(refused.headers.get('retry-after'));
    // The other user at the same address, and anonymous callers there, still get through.
    expect((await api.get('/api/v1/auth/me', quiet.accessToken)).status).toBe(200);
    expect((await api.get('/api/v1/auth/jwks')).status).toBe(200);
    // A forged or broken token does not buy a fresh allowance: it counts against the address.
    for (let i = 0; i < LIMIT; i++) await api.get('/api/v1/auth/me', `not-a-token-${i}`);
    expect((await api.get('/api/v1/auth/jwks')).status).toBe(429);
  });
});
