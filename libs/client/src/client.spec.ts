// createPhdmfClient over real sockets: a scripted HTTP server answers as the edge does (its error
// body, its codes, Retry-After), and records what the client sent.
import { ScriptedServer, apiError, json, type Received } from '../test-support/scripted-server';
import { createPhdmfClient, isPhdmfApiError, ok, PhdmfApiError, type PhdmfClient } from './index';

const USER = { userId: '7d1f3a52-9a35-4a55-9d43-4f0e3b1b7f3e', email: 'researcher@lab.example', displayName: 'R', roles: ['researcher'] };
const QUESTION = { datasetId: 'ds-1', purpose: 'p', columns: ['age'], statistics: ['count' as const], requestedExpiry: '2030-01-01T00:00:00.000Z' };
const tokens = (n: number) => ({ tokenType: 'Bearer', accessToken: `access-${n}`, expiresIn: 900, refreshToken: `refresh-${n}`, refreshExpiresIn: 86400 });
const fast = { baseDelayMs: 10, maxDelayMs: 20 };
const bearer = (r: Received) => r.headers.authorization;
const calls = (server: ScriptedServer, path: string) => server.received.filter((r) => r.path.startsWith(path));

describe('createPhdmfClient', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const client = (o: Partial<Parameters<typeof createPhdmfClient>[0]> = {}): PhdmfClient =>
    createPhdmfClient({ baseUrl: server!.url, credentials: { email: USER.email, password: 'pw' }, retry: fast, ...o });

  it('signs in on the first call and sends its access token; ok() answers the typed data', async () => {
    server = await ScriptedServer.start((req, res) => {
      if (req.path === '/api/v1/auth/login') return json(res, 200, tokens(1));
      if (req.headers.authorization !== 'Bearer access-1') return apiError(res, 401, 'AUTH.UNAUTHENTICATED');
      return json(res, 200, USER);
    });
    const phdmf = client();
    const me = await ok(phdmf.api.GET('/api/v1/auth/me'));
    expect(me.email).toBe(USER.email);
    expect(JSON.parse(server.received[0]!.body)).toEqual({ email: USER.email, password: 'pw' });
    expect(server.received.map((r) => r.path)).toEqual(['/api/v1/auth/login', '/api/v1/auth/me']);
    expect(phdmf.tokens()).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1' });
  });

  it('refreshes an expired access token once and retries; concurrent calls share one refresh', async () => {
    server = await ScriptedServer.start((req, res) => {
      if (req.path === '/api/v1/auth/refresh') return JSON.parse(req.body).refreshToken === 'refresh-1' ? json(res, 200, tokens(2)) : apiError(res, 401, 'AUTH.REFRESH_REUSED');
      if (bearer(req) === 'Bearer access-1') return apiError(res, 401, 'AUTH.TOKEN_EXPIRED');
      return json(res, 200, USER);
    });
    const seen: (string | undefined)[] = [];
    const phdmf = client({ credentials: undefined, tokens: { accessToken: 'access-1', refreshToken: 'refresh-1' }, onTokens: (t) => seen.push(t?.accessToken) });
    const answers = await Promise.all([1, 2, 3].map(() => ok(phdmf.api.GET('/api/v1/auth/me'))));
    expect(answers.map((a) => a.email)).toEqual([USER.email, USER.email, USER.email]);
    expect(calls(server, '/api/v1/auth/refresh')).toHaveLength(1);
    expect(calls(server, '/api/v1/auth/me').filter((r) => bearer(r) === 'Bearer access-2')).toHaveLength(3);
    expect(seen).toEqual(['access-2']);
  });

  it('signs in again when the refresh token is refused, and gives up after one renewal', async () => {
    server = await ScriptedServer.start((req, res) => {
      if (req.path === '/api/v1/auth/refresh') return apiError(res, 401, 'AUTH.REFRESH_INVALID');
      if (req.path === '/api/v1/auth/login') return json(res, 200, tokens(3));
      return bearer(req) === 'Bearer access-3' ? json(res, 200, USER) : apiError(res, 401, 'AUTH.TOKEN_EXPIRED');
    });
    const phdmf = client({ tokens: { accessToken: 'access-1', refreshToken: 'old' } });
    expect((await ok(phdmf.api.GET('/api/v1/auth/me'))).email).toBe(USER.email);
    expect(server.received.map((r) => r.path)).toEqual(['/api/v1/auth/me', '/api/v1/auth/refresh', '/api/v1/auth/login', '/api/v1/auth/me']);

    // A token still refused after its renewal is the caller's to see, not a loop.
    const stale = client({ credentials: undefined, tokens: { accessToken: 'access-9' } });
    const refused = await ok(stale.api.GET('/api/v1/auth/me')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PhdmfApiError);
    expect(refused).toMatchObject({ status: 401, code: 'AUTH.TOKEN_EXPIRED' });
  });

  it('sends one Idempotency-Key per committing call, the same on each of its retries, and none on other calls', async () => {
    server = await ScriptedServer.start((req, res, nth) => {
      if (req.path === '/api/v1/auth/login') return json(res, 200, tokens(1));
      if (req.method === 'POST' && req.path === '/api/v1/access-requests') {
        // The first call meets the ledger unavailable twice, then commits.
        return nth <= 3 ? apiError(res, 503, 'LEDGER.UNAVAILABLE') : json(res, 201, { requestId: `ar-${nth}` });
      }
      if (req.path === '/api/v1/auth/register') return json(res, 201, USER);
      return json(res, 200, { items: [] });
    });
    const phdmf = client();
    await ok(phdmf.api.POST('/api/v1/access-requests', { body: QUESTION }));
    await ok(phdmf.api.POST('/api/v1/access-requests', { body: QUESTION }));
    await ok(phdmf.api.GET('/api/v1/access-requests', { params: { query: { scope: 'mine' } } }));
    await ok(phdmf.api.POST('/api/v1/auth/register', { body: { email: 'x@y.example', password: 'long enough password', displayName: 'X' } }));

    const posts = server.received.filter((r) => r.method === 'POST' && r.path === '/api/v1/access-requests');
    expect(posts).toHaveLength(4);
    const keys = posts.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys.slice(0, 3)).toEqual([keys[0], keys[0], keys[0]]);
    expect(keys[3]).not.toBe(keys[0]);
    expect(new Set(posts.map((r) => r.body)).size).toBe(1);
    expect(JSON.parse(posts[0]!.body)).toEqual(QUESTION);
    expect(calls(server, '/api/v1/access-requests?').every((r) => r.headers['idempotency-key'] === undefined)).toBe(true);
    expect(calls(server, '/api/v1/auth/register')[0]!.headers['idempotency-key']).toBeUndefined();
  });

  it('keeps an Idempotency-Key the caller gives (a retry of a call made before a restart)', async () => {
    server = await ScriptedServer.start((req, res) => (req.path === '/api/v1/auth/login' ? json(res, 200, tokens(1)) : json(res, 201, { requestId: 'ar-1' })));
    await ok(client().api.POST('/api/v1/access-requests', { body: QUESTION, params: { header: { 'Idempotency-Key': 'the-callers-own-key-0001' } } }));
    expect(server.received[1]!.headers['idempotency-key']).toBe('the-callers-own-key-0001');
  });

  it('waits as long as Retry-After says before retrying a 429, and retries a keyed call answered IDEMPOTENCY.IN_FLIGHT', async () => {
    server = await ScriptedServer.start((req, res, nth) => {
      if (req.path === '/api/v1/auth/login') return json(res, 200, tokens(1));
      if (req.method === 'GET') return nth === 2 ? apiError(res, 429, 'HTTP.RATE_LIMITED', { 'Retry-After': '1' }) : json(res, 200, USER);
      return nth === 4 ? apiError(res, 409, 'IDEMPOTENCY.IN_FLIGHT') : json(res, 201, { requestId: 'ar-1' });
    });
    const phdmf = client();
    await ok(phdmf.api.GET('/api/v1/auth/me'));
    const [refused, retried] = calls(server, '/api/v1/auth/me');
    expect(retried!.at - refused!.at).toBeGreaterThanOrEqual(950);
    await ok(phdmf.api.POST('/api/v1/access-requests', { body: QUESTION }));
    expect(calls(server, '/api/v1/access-requests')).toHaveLength(2);
  });

  it('answers the refusal, typed, when Retry-After is beyond what it waits for, or when the tries run out', async () => {
    server = await ScriptedServer.start((req, res) => {
      if (req.path === '/api/v1/auth/login') return apiError(res, 429, 'AUTH.LOGIN_THROTTLED', { 'Retry-After': '3600' });
      return apiError(res, 503, 'LEDGER.UNAVAILABLE');
    });
    const throttled = await client().signIn().catch((e: unknown) => e);
    expect(isPhdmfApiError(throttled, 'AUTH.LOGIN_THROTTLED')).toBe(true);
    expect(throttled).toMatchObject({ status: 429, message: 'refused: AUTH.LOGIN_THROTTLED', requestId: 'req-test' });
    expect(calls(server, '/api/v1/auth/login')).toHaveLength(1);

    const unavailable = await ok(client({ credentials: undefined, tokens: { accessToken: 'a' }, retry: { ...fast, attempts: 3 } }).api.GET('/api/v1/auth/me')).catch((e: unknown) => e);
    expect(unavailable).toMatchObject({ status: 503, code: 'LEDGER.UNAVAILABLE' });
    expect(calls(server, '/api/v1/auth/me')).toHaveLength(3);
  });

  it('retries a read and a keyed commit whose connection broke, never an unkeyed POST', async () => {
    server = await ScriptedServer.start((req, res, nth) => {
      if (req.path === '/api/v1/auth/login') return json(res, 200, tokens(1));
      if (nth % 2 === 0) {
        res.socket?.destroy(); // no answer at all
        return;
      }
      return req.method === 'GET' ? json(res, 200, USER) : json(res, 201, { requestId: 'ar-1' });
    });
    const phdmf = client();
    await ok(phdmf.api.GET('/api/v1/auth/me'));
    await ok(phdmf.api.POST('/api/v1/access-requests', { body: QUESTION }));
    expect(server.received.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/v1/auth/login', 'GET /api/v1/auth/me', 'GET /api/v1/auth/me', 'POST /api/v1/access-requests', 'POST /api/v1/access-requests']);
    await expect(phdmf.api.POST('/api/v1/auth/register', { body: { email: 'x@y.example', password: 'long enough password', displayName: 'X' } })).rejects.toThrow();
    expect(calls(server, '/api/v1/auth/register')).toHaveLength(1);
  });

  it('names an answer without the API error body by its status', async () => {
    server = await ScriptedServer.start((req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html>bad gateway</html>');
    });
    const error = await ok(client({ credentials: undefined }).api.GET('/api/v1/auth/me')).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PhdmfApiError', status: 502, code: 'HTTP.502' });
  });
});
