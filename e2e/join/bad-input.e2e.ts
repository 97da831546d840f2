// Acceptance: bad input to every endpoint — missing fields, wrong types, unknown fields, oversized
// and malformed bodies, bad path and query parameters — gets a 4xx with a stable error code, never
// a 5xx. Each request is sent with a token whose role may use the endpoint, so it reaches validation.
import { buildConsortium, type Consortium } from './support/consortium';
import type { ErrorBody } from './support/http';
import { nodeKeyPair, Stack } from './support/stack';

jest.setTimeout(180_000);

type Role = keyof Consortium['tokens'] | 'anonymous';

interface BodyEndpoint {
  method: string;
  path: (c: Consortium) => string;
  role: Role;
  valid: (c: Consortium) => Record<string, unknown>;
}

const node = () => ({ nodeId: 'some-node', endpoint: 'https://n.test:8443', nodePublicKey: nodeKeyPair().publicKeyPem });

const BODY_ENDPOINTS: BodyEndpoint[] = [
  { method: 'POST', path: () => '/api/v1/auth/register', role: 'anonymous', valid: () => ({ email: 'bad-input@x.test', password: 'a long enough pw', displayName: 'B' }) },
  { method: 'POST', path: () => '/api/v1/auth/login', role: 'anonymous', valid: () => ({ email: 'bad-input@x.test', password: 'whatever' }) },
  { method: 'POST', path: () => '/api/v1/auth/refresh', role: 'anonymous', valid: () => ({ refreshToken: 'x'.repeat(40) }) },
  { method: 'POST', path: () => '/api/v1/auth/logout', role: 'anonymous', valid: () => ({ refreshToken: 'x'.repeat(40) }) },
  { method: 'PATCH', path: () => '/api/v1/auth/me', role: 'researcher', valid: () => ({ displayName: 'B' }) },
  { method: 'POST', path: () => '/api/v1/auth/password', role: 'researcher', valid: () => ({ currentPassword: 'x', newPassword: 'a long enough pw' }) },
  { method: 'POST', path: (c) => `/api/v1/institutions/${c.a.memberId}/users`, role: 'adminA', valid: () => ({ email: 'm@a.test', password: 'a long enough pw', displayName: 'M' }) },
  { method: 'POST', path: () => '/api/v1/membership-applications', role: 'researcher', valid: () => ({ name: 'N', contactName: 'C', contactEmail: 'c@n.test', ...node() }) },
  { method: 'POST', path: (c) => `/api/v1/membership-applications/${c.a.applicationId}/reject`, role: 'consortiumAdmin', valid: () => ({ reason: 'r' }) },
  { method: 'PUT', path: (c) => `/api/v1/institutions/${c.a.memberId}/node`, role: 'adminA', valid: () => node() },
];

const PARAM_CASES: { method: string; path: string; role: Role; body?: unknown }[] = [
  { method: 'GET', path: '/api/v1/users/not-a-uuid/login-history', role: 'consortiumAdmin' },
  { method: 'GET', path: '/api/v1/membership-applications/not-a-uuid', role: 'consortiumAdmin' },
  { method: 'POST', path: '/api/v1/membership-applications/not-a-uuid/admit', role: 'consortiumAdmin', body: {} },
  { method: 'POST', path: '/api/v1/membership-applications/not-a-uuid/reject', role: 'consortiumAdmin', body: { reason: 'r' } },
  { method: 'GET', path: '/api/v1/institutions/%20bad%20id', role: 'consortiumAdmin' },
  { method: 'GET', path: '/api/v1/institutions/%2e%2e', role: 'consortiumAdmin' },
  { method: 'GET', path: '/api/v1/auth/login-history?limit=abc', role: 'researcher' },
  { method: 'GET', path: '/api/v1/auth/login-history?limit=100000', role: 'researcher' },
  { method: 'GET', path: '/api/v1/auth/login-history?unknown=1', role: 'researcher' },
  { method: 'GET', path: '/api/v1/membership-applications?status=bogus', role: 'researcher' },
  { method: 'GET', path: '/api/v1/institutions?onChain=maybe', role: 'researcher' },
  { method: 'POST', path: '/api/v1/institutions/%ZZ/node/connection-test', role: 'consortiumAdmin', body: {} },
  { method: 'GET', path: '/api/v1/no-such-endpoint', role: 'researcher' },
  { method: 'DELETE', path: '/api/v1/auth/me', role: 'researcher' },
];

const STABLE_CODE = /^[A-Z][A-Z_]*(\.[A-Z][A-Z_]*)+$/;

describe('bad input to every endpoint (e2e over HTTP)', () => {
  let stack: Stack;
  let c: Consortium;
  const seen: string[] = [];

  beforeAll(async () => {
    stack = await Stack.start({ gatewayEnv: { RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' } });
    c = await buildConsortium(stack);
  });

  afterAll(async () => {
    await stack.stop();
  });

  async function send(method: string, path: string, role: Role, o: { body?: unknown; rawBody?: string; headers?: Record<string, string> }) {
    const token = role === 'anonymous' ? undefined : c.tokens[role];
    return c.api.call<ErrorBody>(method, path, { ...(token ? { token } : {}), ...o });
  }

  function expectRefused(label: string, r: { status: number; body: ErrorBody }, status?: number) {
    seen.push(`${label} → ${r.status} ${String((r.body as Partial<ErrorBody> | undefined)?.error?.code)}`);
    expect({ label, status: r.status < 500 && r.status >= 400 }).toEqual({ label, status: true });
    if (status !== undefined) expect({ label, status: r.status }).toEqual({ label, status });
    expect({ label, code: STABLE_CODE.test((r.body as Partial<ErrorBody> | undefined)?.error?.code ?? '') }).toEqual({ label, code: true });
  }

  it.each(BODY_ENDPOINTS.map((e) => [`${e.method} ${e.path({ a: { memberId: ':A', applicationId: ':app' } } as Consortium)}`, e] as const))('%s', async (_name, e) => {
    const path = e.path(c);
    const valid = e.valid(c);
    const label = `${e.method} ${path}`;

    // Missing fields: the empty object, and each required field left out.
    expectRefused(`${label} {}`, await send(e.method, path, e.role, { body: {} }), 400);
    for (const field of Object.keys(valid)) {
      const { [field]: _dropped, ...rest } = valid;
      const r = await send(e.method, path, e.role, { body: rest });
      expectRefused(`${label} without ${field}`, r, 400);
      expect(r.body.error.code).toBe('VALIDATION.FAILED');
    }
    // Wrong types, field by field.
    for (const field of Object.keys(valid)) {
      for (const wrong of [12345, true, null, ['x'], { nested: 'x' }]) {
        const r = await send(e.method, path, e.role, { body: { ...valid, [field]: wrong } });
        expectRefused(`${label} ${field}=${JSON.stringify(wrong)}`, r, 400);
      }
    }
    // Unknown fields are refused, not silently dropped (including ones the edge fills in itself).
    for (const extra of [{ isAdmin: true }, { roles: ['consortium-admin'] }, { organisationId: 'm-other' }, { address: '1.2.3.4' }, { __proto__x: 1 }]) {
      const r = await send(e.method, path, e.role, { body: { ...valid, ...extra } });
      expectRefused(`${label} +${Object.keys(extra).join()}`, r, 400);
      expect(r.body.error.code).toBe('VALIDATION.FAILED');
    }
    // Oversized bodies stop at the body limit (32 KiB by default).
    const big = await send(e.method, path, e.role, { body: { ...valid, [Object.keys(valid)[0]!]: 'x'.repeat(100_000) } });
    expectRefused(`${label} oversized`, big, 413);
    expect(big.body.error.code).toBe('HTTP.PAYLOAD_TOO_LARGE');
    // Malformed JSON and bodies that are not objects.
    expectRefused(`${label} malformed`, await send(e.method, path, e.role, { rawBody: '{"email": ' }), 400);
    for (const raw of ['[]', '"text"', 'null', '42']) expectRefused(`${label} ${raw}`, await send(e.method, path, e.role, { rawBody: raw }), 400);
    // Not JSON at all.
    expectRefused(`${label} form`, await send(e.method, path, e.role, { rawBody: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expectRefused(`${label} text`, await send(e.method, path, e.role, { rawBody: 'hello', headers: { 'content-type': 'text/plain' } }));
    expectRefused(`${label} no body`, await send(e.method, path, e.role, {}));
  });

  it('refuses bad path and query parameters and unknown routes with a coded 4xx', async () => {
    for (const p of PARAM_CASES) {
      const r = await send(p.method, p.path, p.role, p.body !== undefined ? { body: p.body } : {});
      expectRefused(`${p.method} ${p.path}`, r);
    }
  });

  it('never answered a 5xx', () => {
    expect(seen.filter((s) => / → 5\d\d /.test(s))).toEqual([]);
    expect(seen.length).toBeGreaterThan(300);
  });
});
