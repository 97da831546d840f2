// The REST edge on its own (real NATS, no other service): probes, OpenAPI, security headers, CORS,
// authentication, and how a missing service and an unexpected error are answered.
import type { INestApplication } from '@nestjs/common';
import { memoryLogger, freePort, TestNatsServer } from '@phdmf/testing';
import { PhdmfError } from '@phdmf/contracts';
import { startService, provisionEventStream } from '@phdmf/messaging';
import { AppModule } from '../app.module';
import { loadApiGatewayConfig } from '../config';
import { configureHttp } from './configure-http';
import { EdgeExceptionFilter } from './edge-exception.filter';

describe('REST edge', () => {
  let nats: TestNatsServer;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    nats = await TestNatsServer.start({ provision: provisionEventStream });
    const port = await freePort();
    const config = loadApiGatewayConfig({ NATS_URL: nats.url, HTTP_PORT: String(port), CORS_ORIGINS: 'https://console.phdmf.test', LOG_LEVEL: 'silent' });
    const { logger } = memoryLogger('api-gateway');
    app = await startService(AppModule.forRoot(config, logger), { logger, http: { host: '127.0.0.1', port }, configure: (a) => { configureHttp(a, config, logger); } });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await app.close();
    await nats.dispose();
  });

  it('keeps /health and /ready at the root, unauthenticated', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'up', checks: { nats: 'up' } });
  });

  it('documents the Idempotency-Key header and its refusals on exactly the calls that commit to the ledger', async () => {
    const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>> };
    const keyed = Object.entries(doc.paths)
      .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ op: `${method.toUpperCase()} ${path}`, hasKey: (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'Idempotency-Key'), has422: '422' in op.responses })))
      .filter((o) => o.hasKey);
    expect(keyed.map((o) => o.op).sort()).toEqual(
      [
        'POST /api/v1/access-requests',
        'POST /api/v1/access-requests/{requestId}/grant',
        'POST /api/v1/access-requests/{requestId}/deny',
        'POST /api/v1/access-requests/{requestId}/revoke',
        'POST /api/v1/analyses',
        'POST /api/v1/analyses/models',
        'POST /api/v1/membership-applications/{applicationId}/admit',
        'POST /api/v1/membership-applications/{applicationId}/reject',
        'PUT /api/v1/institutions/{memberId}/node',
        'PUT /api/v1/market/datasets/{datasetId}/stance',
      ].sort(),
    );
    for (const o of keyed) expect(o).toMatchObject({ hasKey: true, has422: true });
  });

  it('serves an OpenAPI 3 document generated from the code, and a browsable docs page', async () => {
    const res = await fetch(`${base}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/v1/auth/login', '/api/v1/auth/me', '/api/v1/membership-applications/{applicationId}/admit', '/api/v1/institutions/{memberId}/node/connection-test']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/api/v1/auth/me']?.get?.security).toBeDefined();
    expect(doc.components.securitySchemes).toHaveProperty('bearer');
    // Every operation documents its error shape; the schemas it refers to exist.
    expect(doc.components.schemas).toHaveProperty('ErrorResponse');
    expect(doc.components.schemas).toHaveProperty('InstitutionResponse');
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) expect({ path, method, hasDefault: 'default' in op.responses }).toEqual({ path, method, hasDefault: true });
    }
    const page = await fetch(`${base}/api/v1/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
  });

  it('sets security headers and a request id, and hides the framework', async () => {
    const res = await fetch(`${base}/health`, { headers: { 'x-request-id': 'req-12345678' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-request-id')).toBe('req-12345678');
  });

  it('allows CORS only for the configured origins', async () => {
    const allowed = await fetch(`${base}/api/v1/auth/login`, { method: 'OPTIONS', headers: { origin: 'https://console.phdmf.test', 'access-control-request-method': 'POST' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.phdmf.test');
    const other = await fetch(`${base}/api/v1/auth/login`, { method: 'OPTIONS', headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a request without a token before anything crosses NATS', async () => {
    const res = await fetch(`${base}/api/v1/institutions`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'AUTH.TOKEN_INVALID' } });
  });

  it('answers 503 with MESSAGING.NO_RESPONDERS when the service behind an endpoint is down', async () => {
    const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@b.test', password: 'x' }) });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'MESSAGING.NO_RESPONDERS' } });
  });

  it('rate limits the credential endpoints per client address (HTTP.RATE_LIMITED, 429), saying where the client stands on every answer', async () => {
    const statuses: number[] = [];
    const remaining: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await fetch(`${base}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: 'x'.repeat(40) }) });
      statuses.push(res.status);
      // The credentials' limit (30 a minute), the tighter of the two this route is under, not all endpoints' 600.
      expect(res.headers.get('ratelimit-limit')).toBe('30');
      expect(res.headers.get('ratelimit-reset')).toMatch(/^\d+$/);
      expect(res.headers.get('x-ratelimit-limit')).toBeNull();
      remaining.push(Number(res.headers.get('ratelimit-remaining')));
      if (res.status === 429) {
        expect(await res.json()).toMatchObject({ error: { code: 'HTTP.RATE_LIMITED' } });
        expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
        expect(res.headers.get('ratelimit-remaining')).toBe('0');
        expect(res.headers.get('ratelimit-reset')).toBe(res.headers.get('retry-after'));
      }
    }
    // 30 a minute by default; the login test above used one of them.
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.slice(0, 29).every((s) => s === 503)).toBe(true);
    // Counting down, one per request, to 0.
    expect(remaining.slice(0, 29)).toEqual(Array.from({ length: 29 }, (_, i) => 28 - i));
    // Any other route: all endpoints' limit; and the probes are not throttled at all.
    const other = await fetch(`${base}/api/v1/institutions`);
    expect(other.headers.get('ratelimit-limit')).toBe('600');
    expect((await fetch(`${base}/health`)).headers.get('ratelimit-limit')).toBeNull();
  });

  it('documents the rate-limit headers on every throttled answer, and Retry-After on each 429', async () => {
    const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags?: string[]; responses: Record<string, { headers?: Record<string, { $ref?: string; required?: boolean }> }> }>>; components: { headers: Record<string, unknown> } };
    expect(Object.keys(doc.components.headers)).toEqual(expect.arrayContaining(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After']));
    let operations = 0;
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        if (op.tags?.includes('probes')) continue;
        operations += 1;
        expect(op.responses['429']?.headers?.['Retry-After']).toEqual({ $ref: '#/components/headers/Retry-After', required: true });
        for (const response of Object.values(op.responses)) expect(response.headers?.['RateLimit-Remaining']).toEqual({ $ref: '#/components/headers/RateLimit-Remaining' });
      }
    }
    expect(operations).toBeGreaterThan(30);
  });
});

describe('EdgeExceptionFilter', () => {
  it('answers an unexpected error with a 500, a generic message and no stack', () => {
    const { logger, lines } = memoryLogger('api-gateway');
    let status = 0;
    let body: unknown;
    const res = { headersSent: false, setHeader: () => undefined, getHeader: () => undefined, getHeaderNames: () => [], status: (s: number) => ((status = s), { json: (b: unknown) => (body = b) }) };
    const host = { switchToHttp: () => ({ getRequest: () => ({ method: 'GET', path: '/x' }), getResponse: () => res }) };
    new EdgeExceptionFilter(logger).catch(new Error('connect ECONNREFUSED 10.1.2.3:5432 at /srv/secret/db.ts:12'), host as never);
    expect(status).toBe(500);
    expect(body).toEqual({ error: { code: 'INTERNAL.UNEXPECTED', message: 'Internal error' } });
    expect(JSON.stringify(body)).not.toContain('10.1.2.3');
    expect(lines().some((l) => l.level === 'error')).toBe(true);
  });

  it('answers an error whose code is an engine\'s (SQLITE_ERROR) as an internal error, without its code or message', () => {
    const { logger } = memoryLogger('api-gateway');
    let status = 0;
    let body: unknown;
    const res = { headersSent: false, setHeader: () => undefined, getHeader: () => undefined, getHeaderNames: () => [], status: (s: number) => ((status = s), { json: (b: unknown) => (body = b) }) };
    const host = { switchToHttp: () => ({ getRequest: () => ({ method: 'PATCH', path: '/x' }), getResponse: () => res }) };
    new EdgeExceptionFilter(logger).catch(new PhdmfError('SQLITE_ERROR', 'unrecognized token: "\'a"'), host as never);
    expect({ status, body }).toEqual({ status: 500, body: { error: { code: 'INTERNAL.UNEXPECTED', message: 'Internal error' } } });
  });
});
