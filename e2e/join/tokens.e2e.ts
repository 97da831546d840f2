// Acceptance: tokens through HTTP. Forged tokens are signed with the accounts service's own key, so
// each differs from a valid token in exactly the property under test.
import { base64url, SignJWT } from 'jose';
import { generateSigningKey, issueAccessToken } from '@phdmf/auth';
import { SigningKeys } from '../../apps/accounts/src/users/infrastructure/signing-keys';
import { Api, type ErrorBody } from './support/http';
import { Stack } from './support/stack';

jest.setTimeout(120_000);

const ISSUER = 'phdmf-accounts';
const AUDIENCE = 'phdmf-api';

describe('access and refresh tokens through HTTP (e2e)', () => {
  let stack: Stack;
  let api: Api;
  let userId: string;
  let valid: { accessToken: string; refreshToken: string };

  beforeAll(async () => {
    // Edge rate limits out of the way: the credential endpoints are called far more than 30 times a minute here.
    stack = await Stack.start({ gatewayEnv: { AUTH_RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_PER_MINUTE: '100000' } });
    api = new Api(stack.baseUrl);
    userId = (await api.register('tokens@uni.test', 'a token test password')).userId;
    valid = await api.login('tokens@uni.test', 'a token test password');
  });

  afterAll(async () => {
    await stack.stop();
  });

  const key = () => stack.accounts.get(SigningKeys).current();
  const base = () => ({ issuer: ISSUER, audience: AUDIENCE, userId, roles: ['researcher' as const], ttlSeconds: 300 });

  async function refused(token: string | undefined, code = 'AUTH.TOKEN_INVALID') {
    const r = await api.get<ErrorBody>('/api/v1/auth/me', token);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe(code);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect(JSON.stringify(r.body)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack
  }

  it('accepts the valid token (the control)', async () => {
    expect((await api.get('/api/v1/auth/me', valid.accessToken)).status).toBe(200);
  });

  it('publishes the verification keys (and never a private part) at /auth/jwks', async () => {
    const r = await api.get<{ keys: Record<string, unknown>[] }>('/api/v1/auth/jwks');
    expect(r.status).toBe(200);
    expect(r.body.keys).toEqual([expect.objectContaining({ kid: key().kid, kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })]);
    expect(r.body.keys[0]).not.toHaveProperty('d');
  });

  it('refuses a request without a token, and a malformed Authorization header', async () => {
    await refused(undefined);
    const r = await api.call<ErrorBody>('GET', '/api/v1/auth/me', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    expect(r.status).toBe(401);
    await refused('not.a.jwt');
  });

  it('refuses alg: none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: key().kid }));
    const payload = base64url.encode(JSON.stringify({ sub: userId, roles: ['consortium-admin'], iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, jti: 'forged' }));
    await refused(`${header}.${payload}.`);
  });

  it('refuses a wrong audience', async () => {
    await refused(await issueAccessToken(key(), { ...base(), audience: 'some-other-api' }));
  });

  it('refuses a wrong issuer', async () => {
    await refused(await issueAccessToken(key(), { ...base(), issuer: 'https://evil.test' }));
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ roles: ['researcher'] })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: key().kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(userId)
      .setJti('expired')
      .setIssuedAt(now - 900)
      .setExpirationTime(now - 600)
      .sign(key().privateKey);
    await refused(token, 'AUTH.TOKEN_EXPIRED');
  });

  it('refuses a token signed by another key, also when it claims the real key id', async () => {
    const other = await generateSigningKey(key().kid);
    await refused(await issueAccessToken(other, base()));
    await refused(await issueAccessToken(await generateSigningKey(), base()));
  });

  it('refuses a tampered payload (roles raised after signing)', async () => {
    const [h, p, s] = valid.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const tampered = base64url.encode(JSON.stringify({ ...claims, roles: ['consortium-admin'] }));
    await refused(`${h}.${tampered}.${s}`);
  });

  it('refuses an HMAC token keyed with the public key (algorithm confusion)', async () => {
    const x = String(key().publicJwk.x);
    const token = await new SignJWT({ roles: ['consortium-admin'] })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: key().kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(userId)
      .setJti('confused')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(x));
    await refused(token);
  });

  it('refuses a reused refresh token, and the reuse ends the whole session', async () => {
    const session = await api.login('tokens@uni.test', 'a token test password');
    const next = await api.post<{ refreshToken: string }>('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(next.status).toBe(200);
    const reused = await api.post<ErrorBody>('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('AUTH.REFRESH_REUSED');
    const afterReuse = await api.post<ErrorBody>('/api/v1/auth/refresh', { refreshToken: next.body.refreshToken });
    expect(afterReuse.status).toBe(401);
    expect(afterReuse.body.error.code).toBe('AUTH.REFRESH_INVALID');
  });

  it('refuses a logged-out refresh token', async () => {
    const session = await api.login('tokens@uni.test', 'a token test password');
    expect((await api.post('/api/v1/auth/logout', { refreshToken: session.refreshToken })).status).toBe(204);
    const r = await api.post<ErrorBody>('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('AUTH.REFRESH_INVALID');
  });

  it('keeps each concurrent request\'s identity apart (the edge batches NATS requests)', async () => {
    const users = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const email = `concurrent-${i}@uni.test`;
        const { userId: id } = await api.register(email, 'a concurrency password');
        return { id, token: (await api.login(email, 'a concurrency password')).accessToken };
      }),
    );
    const answers = await Promise.all(users.flatMap((u) => [0, 1, 2].map(async () => ({ expected: u.id, got: (await api.get<{ userId: string }>('/api/v1/auth/me', u.token)).body.userId }))));
    expect(answers.filter((a) => a.expected !== a.got)).toEqual([]);
  });

  it('throttles repeated failed logins with a clear code and Retry-After', async () => {
    await api.register('victim@uni.test', 'the victim password');
    for (let i = 0; i < 5; i++) expect((await api.post('/api/v1/auth/login', { email: 'victim@uni.test', password: `guess number ${i}` })).status).toBe(401);
    const r = await api.post<ErrorBody>('/api/v1/auth/login', { email: 'victim@uni.test', password: 'the victim password' });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('AUTH.LOGIN_THROTTLED');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    const history = await api.get<{ items: { success: boolean; failureCode?: string; address?: string }[] }>('/api/v1/auth/login-history', valid.accessToken);
    expect(history.body.items[0]).toMatchObject({ success: true, address: '127.0.0.1' });
  });
});
