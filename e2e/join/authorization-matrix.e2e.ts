// Acceptance: every endpoint × every role × a user of another institution, with the expected HTTP
// status of each cell. Institution A owns the targets; adminB and memberB belong to institution B.
// Allowed cells run against fresh resources so that each cell's outcome depends on authorization
// alone. A second part sends the same requests straight to the services over NATS (no edge) with
// B's actor, to prove the owning services refuse them themselves.
import {
  AccountsCreateMember,
  AccountsGetLoginHistory,
  AccountsListUsers,
  NodeRegistryAdmitApplication,
  NodeRegistryGetApplication,
  NodeRegistryTestNodeConnection,
  NodeRegistryUpdateNode,
} from '@phdmf/contracts';
import { buildConsortium, pendingApplication, ROLE_NAMES, unique, type Consortium, type RoleName } from './support/consortium';
import { nodeKeyPair, Stack } from './support/stack';

jest.setTimeout(180_000);

interface Cell {
  method: string;
  path: string;
  body?: unknown;
}

interface Endpoint {
  name: string;
  /** Builds the request of one cell (may create fresh resources for it). */
  request: (c: Consortium, role: RoleName) => Promise<Cell> | Cell;
  expect: Record<RoleName, number>;
  /** After a successful cell (the password change updates the known password). */
  after?: (c: Consortium, role: RoleName) => void;
}

const all = (status: number, anonymous = 401): Record<RoleName, number> =>
  Object.fromEntries(ROLE_NAMES.map((r) => [r, r === 'anonymous' ? anonymous : status])) as Record<RoleName, number>;
const only = (allowed: Partial<Record<RoleName, number>>, denied = 403): Record<RoleName, number> =>
  Object.fromEntries(ROLE_NAMES.map((r) => [r, r === 'anonymous' ? 401 : (allowed[r] ?? denied)])) as Record<RoleName, number>;

const freshNode = () => ({ nodeId: `node-${unique()}`.toLowerCase(), endpoint: `https://n-${unique()}.test:8443`, nodePublicKey: nodeKeyPair().publicKeyPem });

const ENDPOINTS: Endpoint[] = [
  { name: 'POST /auth/register', request: () => ({ method: 'POST', path: '/api/v1/auth/register', body: { email: `r-${unique()}@x.test`, password: 'a fresh password!', displayName: 'X' } }), expect: all(201, 201) },
  {
    name: 'POST /auth/login',
    request: async (c) => {
      const email = `l-${unique()}@x.test`;
      await c.api.register(email, 'a fresh password!');
      return { method: 'POST', path: '/api/v1/auth/login', body: { email, password: 'a fresh password!' } };
    },
    expect: all(200, 200),
  },
  {
    name: 'POST /auth/refresh',
    request: async (c) => {
      const email = `f-${unique()}@x.test`;
      await c.api.register(email, 'a fresh password!');
      return { method: 'POST', path: '/api/v1/auth/refresh', body: { refreshToken: (await c.api.login(email, 'a fresh password!')).refreshToken } };
    },
    expect: all(200, 200),
  },
  {
    name: 'POST /auth/logout',
    request: async (c) => {
      const email = `o-${unique()}@x.test`;
      await c.api.register(email, 'a fresh password!');
      return { method: 'POST', path: '/api/v1/auth/logout', body: { refreshToken: (await c.api.login(email, 'a fresh password!')).refreshToken } };
    },
    expect: all(204, 204),
  },
  { name: 'GET /auth/jwks', request: () => ({ method: 'GET', path: '/api/v1/auth/jwks' }), expect: all(200, 200) },
  { name: 'GET /auth/me', request: () => ({ method: 'GET', path: '/api/v1/auth/me' }), expect: all(200) },
  { name: 'PATCH /auth/me', request: () => ({ method: 'PATCH', path: '/api/v1/auth/me', body: { displayName: 'Renamed' } }), expect: all(200) },
  { name: 'GET /auth/login-history', request: () => ({ method: 'GET', path: '/api/v1/auth/login-history' }), expect: all(200) },
  {
    name: 'GET /users/:memberOfA/login-history',
    request: (c) => ({ method: 'GET', path: `/api/v1/users/${c.userIds.memberA}/login-history` }),
    expect: only({ adminA: 200, consortiumAdmin: 200 }),
  },
  { name: 'GET /institutions/:A/users', request: (c) => ({ method: 'GET', path: `/api/v1/institutions/${c.a.memberId}/users` }), expect: only({ adminA: 200, consortiumAdmin: 200 }) },
  {
    name: 'POST /institutions/:A/users',
    request: (c) => ({ method: 'POST', path: `/api/v1/institutions/${c.a.memberId}/users`, body: { email: `m-${unique()}@a.test`, password: 'a member password', displayName: 'M' } }),
    expect: only({ adminA: 201 }),
  },
  {
    name: 'POST /membership-applications',
    request: () => ({ method: 'POST', path: '/api/v1/membership-applications', body: { name: 'New', contactName: 'N', contactEmail: 'n@new.test', ...freshNode() } }),
    expect: only({ researcher: 201 }),
  },
  { name: 'GET /membership-applications', request: () => ({ method: 'GET', path: '/api/v1/membership-applications' }), expect: all(200) },
  {
    name: 'GET /membership-applications/:ofA',
    request: (c) => ({ method: 'GET', path: `/api/v1/membership-applications/${c.a.applicationId}` }),
    // Only its applicant (A's admin) and the consortium admin; to anyone else it does not exist.
    expect: only({ adminA: 200, consortiumAdmin: 200 }, 404),
  },
  {
    name: 'POST /membership-applications/:id/admit',
    request: async (c) => ({ method: 'POST', path: `/api/v1/membership-applications/${(await pendingApplication(c.api)).applicationId}/admit`, body: {} }),
    expect: only({ consortiumAdmin: 200 }),
  },
  {
    name: 'POST /membership-applications/:id/reject',
    request: async (c) => ({ method: 'POST', path: `/api/v1/membership-applications/${(await pendingApplication(c.api)).applicationId}/reject`, body: { reason: 'no' } }),
    expect: only({ consortiumAdmin: 200 }),
  },
  { name: 'GET /institutions', request: () => ({ method: 'GET', path: '/api/v1/institutions' }), expect: all(200) },
  { name: 'GET /institutions/:A', request: (c) => ({ method: 'GET', path: `/api/v1/institutions/${c.a.memberId}` }), expect: all(200) },
  { name: 'PUT /institutions/:A/node', request: (c) => ({ method: 'PUT', path: `/api/v1/institutions/${c.a.memberId}/node`, body: freshNode() }), expect: only({ adminA: 200 }) },
  {
    name: 'POST /institutions/:A/node/connection-test',
    request: (c) => ({ method: 'POST', path: `/api/v1/institutions/${c.a.memberId}/node/connection-test`, body: {} }),
    expect: only({ adminA: 200, consortiumAdmin: 200 }),
  },
  {
    // Last: it changes each user's password.
    name: 'POST /auth/password',
    request: (c, role) => ({
      method: 'POST',
      path: '/api/v1/auth/password',
      body: { currentPassword: role === 'anonymous' ? 'whatever it is' : c.passwords[role], newPassword: 'the next password!' },
    }),
    expect: all(200),
    after: (c, role) => {
      if (role !== 'anonymous') c.passwords[role] = 'the next password!';
    },
  },
];

describe('authorization matrix (e2e over HTTP)', () => {
  let stack: Stack;
  let c: Consortium;

  beforeAll(async () => {
    stack = await Stack.start({ gatewayEnv: { RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' } });
    c = await buildConsortium(stack);
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('answers every endpoint × role cell as expected, and no cell allows what it should not', async () => {
    const mismatches: string[] = [];
    let cells = 0;
    for (const endpoint of ENDPOINTS) {
      for (const role of ROLE_NAMES) {
        const cell = await endpoint.request(c, role);
        const token = role === 'anonymous' ? undefined : c.tokens[role];
        const res = await c.api.call(cell.method, cell.path, { ...(token ? { token } : {}), ...(cell.body !== undefined ? { body: cell.body } : {}) });
        cells += 1;
        if (res.status !== endpoint.expect[role]) mismatches.push(`${endpoint.name} as ${role}: expected ${endpoint.expect[role]}, got ${res.status} ${JSON.stringify(res.body)}`);
        else if (res.status < 300) endpoint.after?.(c, role);
      }
    }
    expect(mismatches).toEqual([]);
    expect(cells).toBe(ENDPOINTS.length * ROLE_NAMES.length);
  });

  it('the owning services refuse another institution\'s actor themselves, without the edge', async () => {
    const adminB = { userId: c.userIds.adminB, organisationId: c.b.memberId, roles: ['institution-admin'] };
    const memberB = { userId: c.userIds.memberB, organisationId: c.b.memberId, roles: ['member'] };
    const refused = async (p: Promise<unknown>, code: string) => {
      await expect(p).rejects.toMatchObject({ code });
    };
    await refused(stack.busRequest(AccountsListUsers.CONTRACT, { organisationId: c.a.memberId }, adminB), 'ACCOUNTS.FORBIDDEN');
    await refused(stack.busRequest(AccountsCreateMember.CONTRACT, { organisationId: c.a.memberId, email: 'x@b.test', password: 'a long enough pw', displayName: 'x' }, adminB), 'ACCOUNTS.FORBIDDEN');
    await refused(stack.busRequest(AccountsGetLoginHistory.CONTRACT, { userId: c.userIds.memberA }, adminB), 'ACCOUNTS.FORBIDDEN');
    await refused(stack.busRequest(NodeRegistryUpdateNode.CONTRACT, { memberId: c.a.memberId, ...freshNode() }, adminB), 'NODE_REGISTRY.FORBIDDEN');
    await refused(stack.busRequest(NodeRegistryTestNodeConnection.CONTRACT, { memberId: c.a.memberId }, memberB), 'NODE_REGISTRY.FORBIDDEN');
    await refused(stack.busRequest(NodeRegistryGetApplication.CONTRACT, { applicationId: c.a.applicationId }, adminB), 'NODE_REGISTRY.APPLICATION_NOT_FOUND');
    const pending = await pendingApplication(c.api);
    await refused(stack.busRequest(NodeRegistryAdmitApplication.CONTRACT, { applicationId: pending.applicationId }, adminB), 'NODE_REGISTRY.FORBIDDEN');
    // No actor at all: refused, never treated as anybody.
    await refused(stack.busRequest(AccountsListUsers.CONTRACT, { organisationId: c.a.memberId }), 'AUTH.UNAUTHENTICATED');
  });
});
