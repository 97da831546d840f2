// The checker the REST e2e suites run every answer through: it must catch what it is there for.
import { OpenApiConformance, type OpenApiDocument } from './openapi-conformance';

const document: OpenApiDocument = {
  paths: {
    '/api/v1/things/{id}': {
      get: {
        responses: {
          '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } }, headers: { 'RateLimit-Remaining': { $ref: '#/components/headers/RateLimit-Remaining' } } },
          '429': { headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After', required: true } } },
          '404': {
            content: {
              'application/json': {
                schema: { allOf: [{ $ref: '#/components/schemas/ErrorResponse' }, { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string', enum: ['THING.NOT_FOUND'] } } } } }] },
              },
            },
          },
          default: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } },
        },
      },
    },
  },
  components: {
    headers: { 'RateLimit-Remaining': { schema: { type: 'integer', minimum: 0 } }, 'Retry-After': { schema: { type: 'integer', minimum: 0 } } },
    schemas: {
      Thing: {
        type: 'object',
        properties: { id: { type: 'string' }, count: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, ratio: { type: 'number', minimum: 0, exclusiveMinimum: true } },
        required: ['id', 'count'],
      },
      ErrorResponse: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } }, required: ['error'] },
    },
  },
};

describe('OpenAPI conformance of answers', () => {
  const check = OpenApiConformance.of(document);
  const json = 'application/json; charset=utf-8';

  it('passes an answer as documented', () => {
    expect(check.problem('GET', '/api/v1/things/a', 200, json, { id: 'a', count: 2, at: '2030-01-01T00:00:00.000Z' })).toBeUndefined();
    expect(check.problem('GET', '/api/v1/things/a', 404, json, { error: { code: 'THING.NOT_FOUND', message: 'no' } })).toBeUndefined();
  });

  it('fails a field the document does not name, a wrong type, an unlisted code or status', () => {
    expect(check.problem('GET', '/api/v1/things/a', 200, json, { id: 'a', count: 2, secret: 'x' })).toMatch(/additional/);
    expect(check.problem('GET', '/api/v1/things/a', 200, json, { id: 'a', count: 2.5 })).toMatch(/integer/);
    expect(check.problem('GET', '/api/v1/things/a', 200, json, { id: 'a', count: 1, at: 'yesterday' })).toMatch(/date-time/);
    // OpenAPI 3.0's boolean exclusiveMinimum, read as the bound it means.
    expect(check.problem('GET', '/api/v1/things/a', 200, json, { id: 'a', count: 1, ratio: 0 })).toMatch(/> 0/);
    expect(check.problem('GET', '/api/v1/things/a', 404, json, { error: { code: 'OTHER.NOT_FOUND', message: 'no' } })).toMatch(/allowed values/);
    expect(check.problem('GET', '/api/v1/things/a', 201, json, { id: 'a', count: 1 })).toMatch(/does not list/);
    expect(check.problem('POST', '/api/v1/things/a', 400, json, {})).toMatch(/no operation/);
  });

  it('checks the documented header fields: required ones present, values as their schema says, shared ones only where listed', () => {
    const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });
    const thing = { id: 'a', count: 1 };
    expect(check.problem('GET', '/api/v1/things/a', 200, json, thing, headers({ 'ratelimit-remaining': '7' }))).toBeUndefined();
    expect(check.problem('GET', '/api/v1/things/a', 200, json, thing, headers({}))).toBeUndefined();
    expect(check.problem('GET', '/api/v1/things/a', 200, json, thing, headers({ 'ratelimit-remaining': '-1' }))).toMatch(/RateLimit-Remaining/);
    expect(check.problem('GET', '/api/v1/things/a', 200, json, thing, headers({ 'ratelimit-remaining': 'lots' }))).toMatch(/RateLimit-Remaining/);
    expect(check.problem('GET', '/api/v1/things/a', 429, null, undefined, headers({ 'retry-after': '3' }))).toBeUndefined();
    expect(check.problem('GET', '/api/v1/things/a', 429, null, undefined, headers({}))).toMatch(/no Retry-After header/);
    expect(check.problem('GET', '/api/v1/things/a', 404, json, { error: { code: 'THING.NOT_FOUND', message: 'no' } }, headers({ 'ratelimit-remaining': '3' }))).toMatch(/does not list for this answer/);
  });

  it('leaves the HTTP layer\'s 404 for unknown routes alone', () => {
    expect(check.problem('GET', '/api/v1/nothing', 404, json, { error: { code: 'HTTP.NOT_FOUND', message: 'No such endpoint' } })).toBeUndefined();
  });
});
