// Acceptance (issue 13): bad input gets a 4xx with the documented error shape, every time — over
// real NATS, the real services and the real (embedded) ledger. One test per reported hole.
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { LedgerUpdateNode, NodeRegistryUpdateNode } from '@phdmf/contracts';
import { buildConsortium, type Consortium } from '../join/support/consortium';
import { nodeKeyPair, Stack } from '../join/support/stack';
import { errorShapeProblem, leakIn, rawRequest, type RawAnswer } from './support/raw-http';

jest.setTimeout(120_000);

interface InstitutionBody {
  endpoint: string;
  nodeId: string;
  onChain?: { endpoint?: string };
}

describe('bad input to the REST edge (issue 13, e2e)', () => {
  let stack: Stack;
  let c: Consortium;

  beforeAll(async () => {
    stack = await Stack.start({ gatewayEnv: { RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' } });
    c = await buildConsortium(stack);
  });

  afterAll(async () => {
    await stack.stop();
  });

  const send = (method: string, path: string, o: { token?: string; body?: string | Buffer; headers?: Record<string, string> } = {}) =>
    rawRequest(stack.baseUrl, method, path, {
      headers: { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers },
      ...(o.body !== undefined ? { body: o.body } : {}),
    });

  /** A refusal: this status, the documented shape, this code (when given), and nothing internal. */
  function expectRefused(label: string, a: RawAnswer, status: number, code?: string): void {
    const error = (a.json as { error?: { code?: string } } | undefined)?.error;
    expect({ label, status: a.status, shape: errorShapeProblem(a), leak: leakIn(a), ...(code ? { code: error?.code } : {}) }).toEqual({
      label,
      status,
      shape: undefined,
      leak: undefined,
      ...(code ? { code } : {}),
    });
  }

  it('refuses JSON nested 2,000 deep with 400 on every kind of body operation', async () => {
    const deep = `${'['.repeat(2000)}${']'.repeat(2000)}`;
    const deepObject = `{"displayName":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`;
    for (const [method, path, token] of [
      ['POST', '/api/v1/auth/login', undefined],
      ['POST', '/api/v1/auth/register', undefined],
      ['PATCH', '/api/v1/auth/me', c.tokens.researcher],
      ['POST', '/api/v1/analyses', c.tokens.researcher],
      ['PUT', `/api/v1/institutions/${c.a.memberId}/node`, c.tokens.adminA],
    ] as const) {
      expectRefused(`${method} ${path} [[…]]`, await send(method, path, { body: deep, ...(token ? { token } : {}) }), 400, 'HTTP.BAD_REQUEST');
      expectRefused(`${method} ${path} {a:{a:…}}`, await send(method, path, { body: deepObject, ...(token ? { token } : {}) }), 400, 'HTTP.BAD_REQUEST');
    }
  });

  it('refuses a body whose Content-Encoding it does not match with 400, and still takes a truly compressed one', async () => {
    const body = JSON.stringify({ email: 'nobody@x.test', password: 'whatever it is' });
    for (const encoding of ['gzip', 'deflate', 'br']) {
      expectRefused(`login ${encoding}`, await send('POST', '/api/v1/auth/login', { body, headers: { 'content-encoding': encoding } }), 400, 'HTTP.BAD_REQUEST');
    }
    expectRefused('login compress', await send('POST', '/api/v1/auth/login', { body, headers: { 'content-encoding': 'compress' } }), 415, 'HTTP.UNSUPPORTED_MEDIA_TYPE');
    const gzipped = await send('POST', '/api/v1/auth/login', { body: gzipSync(body), headers: { 'content-encoding': 'gzip' } });
    expectRefused('login gzipped, wrong password', gzipped, 401, 'AUTH.INVALID_CREDENTIALS');
  });

  it('refuses a lone UTF-16 surrogate in an e-mail with 400 (login, register, create user)', async () => {
    const email = '"\\ud800@x.org"';
    expectRefused('login', await send('POST', '/api/v1/auth/login', { body: `{"email":${email},"password":"whatever it is"}` }), 400, 'VALIDATION.FAILED');
    expectRefused('register', await send('POST', '/api/v1/auth/register', { body: `{"email":${email},"password":"a long enough pw","displayName":"S"}` }), 400, 'VALIDATION.FAILED');
    const create = await send('POST', `/api/v1/institutions/${c.a.memberId}/users`, { token: c.tokens.adminA, body: `{"email":${email},"password":"a long enough pw","displayName":"S"}` });
    expectRefused('create user', create, 400, 'VALIDATION.FAILED');
    // Elsewhere in text, too.
    expectRefused('displayName', await send('PATCH', '/api/v1/auth/me', { token: c.tokens.researcher, body: '{"displayName":"a\\udc00b"}' }), 400, 'VALIDATION.FAILED');
  });

  it('refuses a NUL in a profile name with 400, and keeps the old name', async () => {
    expectRefused('PATCH me', await send('PATCH', '/api/v1/auth/me', { token: c.tokens.researcher, body: JSON.stringify({ displayName: 'a\u0000b' }) }), 400, 'VALIDATION.FAILED');
    expectRefused('PATCH me (DEL)', await send('PATCH', '/api/v1/auth/me', { token: c.tokens.researcher, body: JSON.stringify({ displayName: 'a\u007fb' }) }), 400, 'VALIDATION.FAILED');
    const me = await send('GET', '/api/v1/auth/me', { token: c.tokens.researcher });
    expect((me.json as { displayName: string }).displayName).not.toContain('\u0000');
  });

  it('refuses a NUL in a node endpoint before anything is committed: at the edge, at the services, and the registry and the chain agree', async () => {
    const before = (await send('GET', `/api/v1/institutions/${c.a.memberId}`, { token: c.tokens.adminA })).json as InstitutionBody;
    const height = ((await send('GET', '/api/v1/ledger/chain', { token: c.tokens.researcher })).json as { height: number }).height;
    const config = { nodeId: before.nodeId, endpoint: 'https://n.test:8443/a\u0000b', nodePublicKey: nodeKeyPair().publicKeyPem };
    expectRefused('PUT node', await send('PUT', `/api/v1/institutions/${c.a.memberId}/node`, { token: c.tokens.adminA, body: JSON.stringify(config) }), 400, 'VALIDATION.FAILED');

    // The services refuse it themselves, whoever sends it (the registry's and the ledger's payloads).
    const actor = { userId: c.userIds.adminA, roles: ['institution-admin'], organisationId: c.a.memberId };
    await expect(stack.busRequest(NodeRegistryUpdateNode.CONTRACT, { memberId: c.a.memberId, ...config }, actor)).rejects.toMatchObject({ code: 'VALIDATION.FAILED' });
    await expect(stack.busRequest(LedgerUpdateNode.CONTRACT, { memberId: c.a.memberId, ...config }, actor)).rejects.toMatchObject({ code: 'VALIDATION.FAILED' });

    // Nothing was committed: the chain did not grow, and registry and chain still hold the old endpoint.
    expect(((await send('GET', '/api/v1/ledger/chain', { token: c.tokens.researcher })).json as { height: number }).height).toBe(height);
    const after = (await send('GET', `/api/v1/institutions/${c.a.memberId}`, { token: c.tokens.adminA })).json as InstitutionBody;
    expect({ registry: after.endpoint, chain: after.onChain?.endpoint }).toEqual({ registry: before.endpoint, chain: before.endpoint });

    // A valid change is committed and answered as such, registry and chain alike.
    const valid = { ...config, endpoint: 'https://changed.n.test:9443' };
    const changed = await send('PUT', `/api/v1/institutions/${c.a.memberId}/node`, { token: c.tokens.adminA, body: JSON.stringify(valid) });
    expect(changed.status).toBe(200);
    const now = (await send('GET', `/api/v1/institutions/${c.a.memberId}`, { token: c.tokens.adminA })).json as InstitutionBody;
    expect({ registry: now.endpoint, chain: now.onChain?.endpoint }).toEqual({ registry: valid.endpoint, chain: valid.endpoint });
  });

  it('answers a committed node change as committed even when the registry cannot write its copy yet; the chain event brings the copy up to date', async () => {
    // A real write failure of the registry's own database, for this one endpoint only.
    const db = new Database(path.join(stack.dataDir, 'node-registry.sqlite3'));
    db.exec("CREATE TRIGGER refuse_projection BEFORE UPDATE ON registry_institutions WHEN NEW.endpoint LIKE '%projection-down%' BEGIN SELECT RAISE(ABORT, 'projection write refused'); END");
    try {
      const before = (await send('GET', `/api/v1/institutions/${c.a.memberId}`, { token: c.tokens.adminA })).json as InstitutionBody;
      const change = { nodeId: before.nodeId, endpoint: 'https://projection-down.n.test:8443', nodePublicKey: nodeKeyPair().publicKeyPem };
      const answer = await send('PUT', `/api/v1/institutions/${c.a.memberId}/node`, { token: c.tokens.adminA, body: JSON.stringify(change) });
      expect({ status: answer.status, endpoint: (answer.json as InstitutionBody).endpoint }).toEqual({ status: 200, endpoint: change.endpoint });
      const now = (await send('GET', `/api/v1/institutions/${c.a.memberId}`, { token: c.tokens.adminA })).json as InstitutionBody;
      expect({ registry: now.endpoint, chain: now.onChain?.endpoint }).toEqual({ registry: before.endpoint, chain: change.endpoint });

      db.exec('DROP TRIGGER refuse_projection');
      const deadline = Date.now() + 20_000;
      let registry = now.endpoint;
      while (registry !== change.endpoint && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        registry = ((await send('GET', `/api/v1/institutions/${c.a.memberId}`, { token: c.tokens.adminA })).json as InstitutionBody).endpoint;
      }
      expect(registry).toBe(change.endpoint);
    } finally {
      db.exec('DROP TRIGGER IF EXISTS refuse_projection');
      db.close();
    }
  });

  it('answers oversized headers (431) and bodies (413) in the documented error shape', async () => {
    expectRefused('431', await send('GET', '/api/v1/auth/me', { headers: { 'x-padding': 'x'.repeat(20_000) } }), 431, 'HTTP.HEADERS_TOO_LARGE');
    expectRefused('413', await send('POST', '/api/v1/auth/login', { body: JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(100_000) }) }), 413, 'HTTP.PAYLOAD_TOO_LARGE');
    // The server is still up after the header overflow.
    expect((await send('GET', '/health')).status).toBe(200);
  });

  it('takes path integers only in canonical decimal', async () => {
    for (const bad of ['%20', '0x3', '1e1', '+2', '3.0', '007', '-1', '%200', '0%20', '1_0', 'Infinity', '9007199254740992']) {
      expectRefused(`block ${bad}`, await send('GET', `/api/v1/ledger/blocks/${bad}`, { token: c.tokens.researcher }), 400, 'VALIDATION.FAILED');
    }
    for (const good of ['0', '1']) expect({ good, status: (await send('GET', `/api/v1/ledger/blocks/${good}`, { token: c.tokens.researcher })).status }).toEqual({ good, status: 200 });
    // Query integers too.
    for (const bad of ['%201', '0x3', '1e1', '+2', '007']) {
      expectRefused(`limit ${bad}`, await send('GET', `/api/v1/auth/login-history?limit=${bad}`, { token: c.tokens.researcher }), 400, 'VALIDATION.FAILED');
    }
    expect((await send('GET', '/api/v1/auth/login-history?limit=5', { token: c.tokens.researcher })).status).toBe(200);
  });

  it('refuses unknown fields named __proto__ or constructor, at any depth', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      expectRefused(`PATCH me ${key}`, await send('PATCH', '/api/v1/auth/me', { token: c.tokens.researcher, body: `{"displayName":"B","${key}":{"isAdmin":true}}` }), 400, 'VALIDATION.FAILED');
      expectRefused(`login ${key}`, await send('POST', '/api/v1/auth/login', { body: `{"email":"a@b.test","password":"whatever","${key}":1}` }), 400, 'VALIDATION.FAILED');
      const nested = `{"datasets":["d-1"],"columns":["age"],"statistics":["count"],"histograms":[{"column":"age","edges":[0,1],"${key}":{"x":1}}]}`;
      expectRefused(`analysis ${key} nested`, await send('POST', '/api/v1/analyses', { token: c.tokens.researcher, body: nested }), 400, 'VALIDATION.FAILED');
    }
  });

  it('refuses null for optional fields that are not nullable', async () => {
    const analysis = { datasets: ['d-1'], columns: ['age'], statistics: ['count'] };
    for (const field of ['breakdown', 'allowPartial', 'probabilities', 'histograms']) {
      expectRefused(`analysis ${field}: null`, await send('POST', '/api/v1/analyses', { token: c.tokens.researcher, body: JSON.stringify({ ...analysis, [field]: null }) }), 400, 'VALIDATION.FAILED');
    }
    const apply = { name: 'N', contactName: 'C', contactEmail: 'c@n.test', nodeId: 'null-node', endpoint: 'https://n.test:8443', nodePublicKey: nodeKeyPair().publicKeyPem, mspId: null };
    expectRefused('apply mspId: null', await send('POST', '/api/v1/membership-applications', { token: c.tokens.researcher, body: JSON.stringify(apply) }), 400, 'VALIDATION.FAILED');
    expectRefused('login-history limit (empty)', await send('GET', '/api/v1/auth/login-history?limit=', { token: c.tokens.researcher }), 400, 'VALIDATION.FAILED');
  });
});
