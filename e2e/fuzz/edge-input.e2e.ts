// Acceptance (issue 13): bad input gets a 4xx with the documented error shape, every time — over
// real NATS, the real services and the real (embedded) ledger. One test per reported hole, then a
// fuzz suite generated from the OpenAPI document the edge serves: every operation gets malformed
// bodies, path ids and integers, query values, headers and tokens, with and without a valid token.
// It fails on any 5xx, any error answer not in the documented shape, and any answer that carries a
// stack trace, a file path or an engine's message. Seeded (FUZZ_SEED) and bounded
// (FUZZ_MAX_REQUESTS): the same seed sends the same requests. One stack for both (it is most of
// the time this file takes).
import { connect } from 'node:net';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { base64url, SignJWT } from 'jose';
import { generateSigningKey, issueAccessToken } from '@phdmf/auth';
import { AccountsRegisterResearcher, AccountsUpdateProfile, LedgerUpdateNode, NodeRegistryUpdateNode } from '@phdmf/contracts';
import { SigningKeys } from '../../apps/accounts/src/users/infrastructure/signing-keys';
import { buildConsortium, pendingApplication, unique, type Consortium } from '../join/support/consortium';
import { OpenApiConformance } from '@phdmf/testing';
import { nodeKeyPair, Stack } from '../join/support/stack';
import { CaseGenerator, seededRandom, type FuzzCase, type OpenApiDocument } from './support/openapi-cases';
import { errorShapeProblem, leakIn, rawRequest, type RawAnswer } from './support/raw-http';

jest.setTimeout(180_000);

const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const MAX_REQUESTS = Number(process.env.FUZZ_MAX_REQUESTS ?? 4000);
/** Past this, no further case is sent (a loaded machine sends a prefix of the same shuffled order). */
const MAX_SECONDS = Number(process.env.FUZZ_MAX_SECONDS ?? 45);
const CONCURRENCY = 6;
const ISSUER = 'phdmf-accounts';
const AUDIENCE = 'phdmf-api';

/** Roles tried, in order, to find one that reaches an operation's validation (past authentication and roles). */
const ROLE_ORDER = ['adminA', 'memberA', 'researcher', 'consortiumAdmin'] as const;

let stack: Stack;
let c: Consortium;

beforeAll(async () => {
  stack = await Stack.start({ gatewayEnv: { RATE_LIMIT_PER_MINUTE: '1000000', AUTH_RATE_LIMIT_PER_MINUTE: '1000000' }, aggregation: {} });
  c = await buildConsortium(stack);
});

afterAll(async () => {
  await stack.stop();
});

interface InstitutionBody {
  endpoint: string;
  nodeId: string;
  onChain?: { endpoint?: string };
}

describe('bad input to the REST edge (issue 13, e2e)', () => {
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
    // The accounts service refuses it itself, whoever sends it (it used to answer SQLITE_ERROR).
    const actor = { userId: c.userIds.researcher, roles: ['researcher'] };
    await expect(stack.busRequest(AccountsUpdateProfile.CONTRACT, { displayName: 'a\u0000b' }, actor)).rejects.toMatchObject({ code: 'VALIDATION.FAILED' });
    await expect(stack.busRequest(AccountsRegisterResearcher.CONTRACT, { email: '\ud800@x.org', password: 'a long enough pw', displayName: 'S' })).rejects.toMatchObject({ code: 'VALIDATION.FAILED' });
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

  it('answers a committed admission as admitted even when the registry cannot write it yet; the chain event applies it and appoints the admin', async () => {
    const db = new Database(path.join(stack.dataDir, 'node-registry.sqlite3'));
    db.exec("CREATE TRIGGER refuse_admission BEFORE UPDATE ON registry_applications WHEN NEW.status = 'admitted' AND NEW.name LIKE '%projection-down%' BEGIN SELECT RAISE(ABORT, 'projection write refused'); END");
    try {
      const app = await pendingApplication(c.api, `projection-down-${unique()}`);
      const admitted = await send('POST', `/api/v1/membership-applications/${app.applicationId}/admit`, { token: c.tokens.consortiumAdmin, body: '{}' });
      expect({ status: admitted.status, application: (admitted.json as { status?: string }).status }).toEqual({ status: 200, application: 'admitted' });
      const pending = (await send('GET', `/api/v1/membership-applications/${app.applicationId}`, { token: c.tokens.consortiumAdmin })).json as { status: string };
      expect(pending.status).toBe('pending');

      db.exec('DROP TRIGGER refuse_admission');
      const deadline = Date.now() + 20_000;
      let status = pending.status;
      while (status !== 'admitted' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        status = ((await send('GET', `/api/v1/membership-applications/${app.applicationId}`, { token: c.tokens.consortiumAdmin })).json as { status: string }).status;
      }
      expect(status).toBe('admitted');
      expect((await send('GET', `/api/v1/institutions/${app.memberId}`, { token: c.tokens.consortiumAdmin })).status).toBe(200);
      // The applicant is made the institution's admin (the event handler's part).
      let roles: string[] = [];
      let refreshToken = app.refreshToken;
      while (!roles.includes('institution-admin') && Date.now() < deadline) {
        const pair = (await send('POST', '/api/v1/auth/refresh', { body: JSON.stringify({ refreshToken }) })).json as { accessToken: string; refreshToken: string };
        refreshToken = pair.refreshToken;
        roles = (JSON.parse(Buffer.from(pair.accessToken.split('.')[1] ?? '', 'base64url').toString()) as { roles: string[] }).roles;
        if (!roles.includes('institution-admin')) await new Promise((r) => setTimeout(r, 200));
      }
      expect(roles).toContain('institution-admin');
    } finally {
      db.exec('DROP TRIGGER IF EXISTS refuse_admission');
      db.close();
    }
  });

  it('answers oversized headers (431) and bodies (413) in the documented error shape', async () => {
    expectRefused('431', await send('GET', '/api/v1/auth/me', { headers: { 'x-padding': 'x'.repeat(20_000) } }), 431, 'HTTP.HEADERS_TOO_LARGE');
    expectRefused('413', await send('POST', '/api/v1/auth/login', { body: JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(100_000) }) }), 413, 'HTTP.PAYLOAD_TOO_LARGE');
    // What Node's HTTP parser itself refuses (a request line that is not HTTP) is answered in the shape too.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(stack.baseUrl).port), '127.0.0.1', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
      socket.on('end', () => { resolve(text); });
      socket.on('error', reject);
    });
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    expect({ statusLine: head.split('\r\n')[0], body: JSON.parse(body) as unknown }).toEqual({ statusLine: 'HTTP/1.1 400 Bad Request', body: { error: { code: 'HTTP.BAD_REQUEST', message: 'Malformed request' } } });
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
      // The services refuse them too, whoever sends them.
      const payload = JSON.parse(`{"displayName":"B","${key}":{"roles":["consortium-admin"]}}`) as { displayName: string };
      await expect(stack.busRequest(AccountsUpdateProfile.CONTRACT, payload, { userId: c.userIds.researcher, roles: ['researcher'] })).rejects.toMatchObject({ code: 'VALIDATION.FAILED' });
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

describe('OpenAPI fuzz of the REST edge (e2e)', () => {
  let doc: OpenApiDocument;
  let conformance: OpenApiConformance | undefined;
  const findings: string[] = [];
  const statuses = new Map<string, number>();
  const slow: string[] = [];
  const a = (x: RawAnswer) => x.status;
  let sent = 0;

  beforeAll(async () => {
    doc = (await rawRequest(stack.baseUrl, 'GET', '/api/v1/openapi.json')).json as OpenApiDocument;
    conformance = await OpenApiConformance.for(stack.baseUrl);
  });

  function authHeader(auth: FuzzCase['auth']): Record<string, string> {
    if (auth === 'none') return {};
    if ('header' in auth) return { authorization: auth.header };
    return { authorization: `Bearer ${c.tokens[auth.role as keyof Consortium['tokens']]}` };
  }

  async function send(k: FuzzCase): Promise<RawAnswer> {
    sent += 1;
    const headers = { ...(k.body !== undefined ? { 'content-type': 'application/json' } : {}), ...authHeader(k.auth), ...k.headers };
    if (headers['content-type'] === '') delete (headers as Record<string, string>)['content-type'];
    const t0 = Date.now();
    const answer = await rawRequest(stack.baseUrl, k.method, k.path, { headers, ...(k.body !== undefined ? { body: k.body } : {}) });
    if (Date.now() - t0 > 500) slow.push(`${k.operation} [${k.label}] ${a(answer)} ${Date.now() - t0} ms`);
    check(k, answer);
    return answer;
  }

  function check(k: FuzzCase, a: RawAnswer): void {
    const where = `${k.operation} [${k.label}] → ${a.status}`;
    const code = (a.json as { error?: { code?: unknown } } | undefined)?.error?.code;
    const key = `${a.status} ${typeof code === 'string' ? code : ''}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    if (a.status >= 500) findings.push(`${where}: 5xx ${a.text.slice(0, 200)}`);
    if (a.status >= 400) {
      const problem = errorShapeProblem(a);
      if (problem) findings.push(`${where}: undocumented error shape (${problem}) ${a.text.slice(0, 200)}`);
    }
    const leak = leakIn(a);
    if (leak) findings.push(`${where}: leaks /${leak}/ ${a.text.slice(0, 200)}`);
    // Every answer as the document says: a listed status, a listed code, the documented shape.
    const contentType = a.headers['content-type'];
    const headers = { get: (name: string) => (a.headers[name.toLowerCase()] === undefined ? null : String(a.headers[name.toLowerCase()])) };
    const undocumented = conformance?.problem(k.method, k.path, a.status, typeof contentType === 'string' ? contentType : null, a.json, headers);
    if (undocumented) findings.push(`${where}: not as documented (${undocumented}) ${a.text.slice(0, 200)}`);
  }

  async function badTokens(): Promise<Record<string, string>> {
    const key = stack.accounts.get(SigningKeys).current();
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: c.userIds.researcher, roles: ['consortium-admin'], iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, jti: 'fuzz' };
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: key.kid }))}.${base64url.encode(JSON.stringify(claims))}.`;
    const expired = await new SignJWT({ roles: ['researcher'] })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: key.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(c.userIds.researcher)
      .setJti('fuzz-expired')
      .setIssuedAt(now - 900)
      .setExpirationTime(now - 600)
      .sign(key.privateKey);
    const otherKey = await issueAccessToken(await generateSigningKey(key.kid), { issuer: ISSUER, audience: AUDIENCE, userId: c.userIds.researcher, roles: ['consortium-admin'], ttlSeconds: 300 });
    const [h, p, s] = c.tokens.researcher.split('.') as [string, string, string];
    const tampered = `${h}.${base64url.encode(JSON.stringify({ ...(JSON.parse(Buffer.from(p, 'base64url').toString()) as object), roles: ['consortium-admin'] }))}.${s}`;
    const random = seededRandom(SEED + 1);
    const garbage = Array.from({ length: 64 }, () => 'ABCxyz019-_.~+/='.charAt(Math.floor(random() * 16))).join('');
    return {
      garbage: `Bearer ${garbage}`,
      'three dots': 'Bearer a.b.c',
      'alg none': `Bearer ${none}`,
      expired: `Bearer ${expired}`,
      'other key': `Bearer ${otherKey}`,
      tampered: `Bearer ${tampered}`,
      'header json': `Bearer ${base64url.encode('{"alg":"EdDSA","kid":{"$ne":1}}')}.e30.e30`,
      basic: `Basic ${Buffer.from('a:b').toString('base64')}`,
      'empty bearer': 'Bearer ',
      'huge bearer': `Bearer ${'a'.repeat(8_000)}`,
    };
  }

  async function runAll(cases: FuzzCase[]): Promise<void> {
    let next = 0;
    const deadline = Date.now() + MAX_SECONDS * 1000;
    const worker = async () => {
      while (next < cases.length && Date.now() < deadline) {
        const k = cases[next++];
        if (k) await send(k);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }

  it('answers every malformed request to every documented operation with a 4xx in the documented shape, leaking nothing', async () => {
    const started = Date.now();
    const { publicKeyPem } = nodeKeyPair();
    const generator = new CaseGenerator(
      doc,
      {
        pathValues: { memberId: c.a.memberId, applicationId: c.a.applicationId, userId: c.userIds.memberA, number: '0' },
        fieldValues: { nodePublicKey: publicKeyPem, endpoint: 'https://fuzz.n.test:8443', nodeId: 'fuzz-node', datasets: ['fuzz-dataset'], refreshToken: 'r'.repeat(40) },
      },
      SEED,
    );
    const operations = generator.operations();
    expect(operations.length).toBeGreaterThan(30);
    const tokens = await badTokens();

    const cases: FuzzCase[] = [];
    for (const [method, template, op] of operations) {
      // Which caller reaches validation: the first role not stopped by authentication or roles.
      const plausible = generator.plausibleBody(op);
      const probe = (auth: FuzzCase['auth']): FuzzCase => ({
        operation: `${method} ${template}`,
        label: `probe ${typeof auth === 'string' ? auth : JSON.stringify(auth)}`,
        method,
        path: generator.plausiblePath(template, op),
        auth,
        ...(plausible !== undefined ? { body: '{}' } : {}),
      });
      let reaching: FuzzCase['auth'] = 'none';
      const open = await send(probe('none'));
      if (open.status === 401) {
        reaching = { role: 'consortiumAdmin' };
        for (const role of ROLE_ORDER) {
          const a = await send(probe({ role }));
          const code = (a.json as { error?: { code?: string } } | undefined)?.error?.code;
          if (a.status !== 401 && code !== 'EDGE.FORBIDDEN') {
            reaching = { role };
            break;
          }
        }
        cases.push(...generator.tokenCases(method, template, op, tokens));
      }
      cases.push(...generator.casesFor(method, template, op, reaching));
    }
    // Bounded: a seeded shuffle, so that the first MAX_REQUESTS (or what the time budget lets
    // through) spread over every operation and kind of case.
    const random = seededRandom(SEED);
    const shuffled = cases.map((k) => [random(), k] as const).sort((x, y) => x[0] - y[0]).map(([, k]) => k);
    await runAll(shuffled.slice(0, MAX_REQUESTS));

    // The server is still answering after all of it.
    expect((await rawRequest(stack.baseUrl, 'GET', '/health')).status).toBe(200);
    expect({ findings: findings.slice(0, 40), count: findings.length }).toEqual({ findings: [], count: 0 });
    expect(sent).toBeGreaterThan(Math.min(MAX_REQUESTS, 500));
    // The size of the run, for whoever tunes FUZZ_MAX_REQUESTS.
    console.info(`openapi fuzz: seed ${SEED}, ${operations.length} operations, ${sent} requests (${cases.length} cases and the role probes) in ${Date.now() - started} ms\n${[...statuses].sort().map(([k, n]) => `${k}: ${n}`).join('\n')}\nslow:\n${slow.join('\n')}`);
  });
});
