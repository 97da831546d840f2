// Fuzz cases generated from the OpenAPI document the edge serves: for every operation a
// plausible request (path ids that exist, a body built from the request schema), then malformed
// variants of its body, path, query, headers and token. Deterministic: every random choice comes
// from one seeded generator, so a seed names a run.
import { createHash } from 'node:crypto';

/** The parts of an OpenAPI 3 document the generator reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
  security?: unknown[];
}

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  allOf?: Schema[];
}

/** One request to send. */
export interface FuzzCase {
  /** `METHOD /path/template` of the operation. */
  operation: string;
  /** What is malformed (for the report). */
  label: string;
  method: string;
  path: string;
  /** Which token: a role of the test consortium, `none`, or a literal Authorization header value. */
  auth: { role: string } | { header: string } | 'none';
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** A seeded generator (SHA-256 of seed and counter): the same seed gives the same cases, on every platform. */
export function seededRandom(seed: number): () => number {
  let counter = 0;
  return () => createHash('sha256').update(`${seed}:${counter++}`).digest().readUInt32BE(0) / 2 ** 32;
}

export interface Fixtures {
  /** Path parameter values that name existing things, by parameter name. */
  pathValues: Record<string, string>;
  /** Field values that pass validation where a schema alone cannot say (a PEM key, a node id). */
  fieldValues: Record<string, unknown>;
}

const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';

/** Path segment values that are not what any path parameter takes. */
const BAD_PATH_SEGMENTS = ['%20', '0x3', '1e1', '+2', '3.0', '007', '-1', '%00', '%ED%A0%80', '%ZZ', '%2e%2e', 'a'.repeat(300), 'null', '%7B%7D'];
/** Query values that no query parameter takes. */
const BAD_QUERY_VALUES = ['', '%00', '%ED%A0%80', 'x'.repeat(3000), '0x3', '-1', '%20', 'null'];

/** Header parameter values a header parser or a key store might trip on (raw bytes as Latin-1, as they travel). */
const BAD_HEADER_VALUES = ['', ' ', 'a b', '"unterminated', '""', 'a,b', 'x'.repeat(300), '\u00ff\u00fe', '../../etc', '$KV.>', '*'];

/** Wrong types, one field at a time. */
const WRONG_TYPES: readonly unknown[] = [12345, true, null, ['x'], { nested: 'x' }, -1.5, ''];

export class CaseGenerator {
  private readonly random: () => number;
  private counter = 0;

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly fixtures: Fixtures,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** Every operation of the document, as `[method, path template, operation]`. */
  /**
   * Every operation but a stream's: an accepted request to the event feed (text/event-stream) is answered
   * with a stream that stays open, so a fuzz request would wait for its end forever; its malformed input
   * (Last-Event-ID, tokens) is the feed's own e2e suite's (e2e/events).
   */
  operations(): [string, string, Operation][] {
    return Object.entries(this.doc.paths)
      .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => [method.toUpperCase(), path, op] as [string, string, Operation]))
      .filter(([, , op]) => !Object.values(op.responses ?? {}).some((r) => r.content?.['text/event-stream'] !== undefined));
  }

  /** A plausible path for the operation: known ids where the fixtures have them. */
  plausiblePath(template: string, op: Operation, override: Record<string, string> = {}): string {
    return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (override[name] !== undefined) return override[name];
      const known = this.fixtures.pathValues[name];
      if (known !== undefined) return encodeURIComponent(known);
      const schema = op.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema;
      return encodeURIComponent(String(this.value(schema ?? { type: 'string' }, name)));
    });
  }

  /** A body the schema accepts (as far as a schema says), or undefined when the operation takes none. */
  plausibleBody(op: Operation): Record<string, unknown> | undefined {
    const schema = op.requestBody?.content['application/json']?.schema;
    if (!schema) return undefined;
    return this.value(schema, '') as Record<string, unknown>;
  }

  /** The object schema of the operation's body, resolved. */
  bodySchema(op: Operation): Schema | undefined {
    const schema = op.requestBody?.content['application/json']?.schema;
    return schema ? this.resolve(schema) : undefined;
  }

  resolve(schema: Schema): Schema {
    if (schema.$ref) {
      const name = schema.$ref.split('/').pop() ?? '';
      return this.resolve(this.doc.components.schemas[name] ?? {});
    }
    if (schema.allOf) return schema.allOf.reduce<Schema>((all, s) => {
      const r = this.resolve(s);
      return { ...all, ...r, properties: { ...all.properties, ...r.properties }, required: [...(all.required ?? []), ...(r.required ?? [])] };
    }, {});
    return schema;
  }

  private value(raw: Schema, name: string): unknown {
    if (name in this.fixtures.fieldValues) return this.fixtures.fieldValues[name];
    const s = this.resolve(raw);
    if (s.enum && s.enum.length > 0) return s.enum[Math.floor(this.random() * s.enum.length)];
    switch (s.type) {
      case 'object':
      case undefined: {
        if (!s.properties) return {};
        const out: Record<string, unknown> = {};
        for (const [key, prop] of Object.entries(s.properties)) {
          // Required fields always, optional ones half of the time.
          if ((s.required ?? []).includes(key) || this.random() < 0.5) out[key] = this.value(prop, key);
        }
        return out;
      }
      case 'array':
        return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => this.value(s.items ?? { type: 'string' }, name));
      case 'integer':
        return s.minimum ?? 1;
      case 'number':
        return s.minimum ?? 0.5;
      case 'boolean':
        return this.random() < 0.5;
      default:
        return this.string(s, name);
    }
  }

  private string(s: Schema, _name: string): string {
    this.counter += 1;
    const n = `${this.counter}${Math.floor(this.random() * 1e6).toString(36)}`;
    if (s.format === 'email') return `fuzz-${n}@fuzz.test`;
    if (s.format === 'uuid') return '00000000-0000-4000-8000-' + Math.floor(this.random() * 1e12).toString().padStart(12, '0');
    if (s.format === 'date-time') return '2031-01-31T00:00:00Z';
    const min = s.minLength ?? 1;
    const text = `fuzz-${n}`;
    return text.length >= min ? text.slice(0, s.maxLength ?? text.length) : text.padEnd(min, 'x');
  }

  /** Every case of one operation, given the token that reaches its validation (or `none`). */
  casesFor(method: string, template: string, op: Operation, reaching: FuzzCase['auth']): FuzzCase[] {
    const operation = `${method} ${template}`;
    const path = this.plausiblePath(template, op);
    const plausible = this.plausibleBody(op);
    const cases: FuzzCase[] = [];
    const add = (label: string, c: Partial<FuzzCase>) => cases.push({ operation, label, method, path, auth: reaching, ...c });
    const json = (value: unknown) => JSON.stringify(value);

    // Bad path ids and integers, one parameter at a time.
    for (const p of op.parameters?.filter((x) => x.in === 'path') ?? []) {
      for (const bad of BAD_PATH_SEGMENTS) add(`path ${p.name}=${bad.slice(0, 20)}`, { path: this.plausiblePath(template, op, { [p.name]: bad }), ...(plausible ? { body: json(plausible) } : {}) });
    }
    // Bad query values, an unknown parameter, a repeated one.
    for (const p of op.parameters?.filter((x) => x.in === 'query') ?? []) {
      for (const bad of BAD_QUERY_VALUES) add(`query ${p.name}=${bad.slice(0, 20)}`, { path: `${path}?${p.name}=${bad}` });
      add(`query ${p.name} twice`, { path: `${path}?${p.name}=a&${p.name}=b` });
      add(`query ${p.name}[x]`, { path: `${path}?${p.name}[x]=1` });
    }
    add('query __proto__', { path: `${path}?__proto__[x]=1&constructor=1` });
    // Bad values of the header parameters it documents (Idempotency-Key), with a plausible body.
    for (const p of op.parameters?.filter((x) => x.in === 'header') ?? []) {
      for (const bad of BAD_HEADER_VALUES) add(`header ${p.name}=${bad.slice(0, 20)}`, { headers: { [p.name.toLowerCase()]: bad }, ...(plausible ? { body: json(plausible) } : {}) });
    }
    // Headers: oversized; a body where none is taken or an unknown content type.
    add('header 20 KB', { headers: { 'x-fuzz': 'x'.repeat(20_000) } });
    add('header odd request id', { headers: { 'x-request-id': '<a%00b>'.repeat(50) } });

    if (plausible !== undefined) {
      const schema = this.bodySchema(op) ?? {};
      const fields = Object.keys(schema.properties ?? {});
      const required = new Set(schema.required ?? []);
      // Not JSON, not an object, too deep, too big, wrongly labelled.
      for (const raw of ['{"a":', '[]', 'null', '42', '"text"', '{}{}', '\uFEFF{}', '{"a":1,}']) add(`body ${raw}`, { body: raw });
      add('body 2000 deep array', { body: `${'['.repeat(2000)}${']'.repeat(2000)}` });
      add('body 2000 deep object', { body: `{"x":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}` });
      add('body 40 KB', { body: json({ ...plausible, [fields[0] ?? 'x']: 'x'.repeat(40_000) }) });
      add('body text/plain', { body: json(plausible), headers: { 'content-type': 'text/plain' } });
      add('body form', { body: 'a=b&c=d', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      add('body no content type', { body: json(plausible), headers: { 'content-type': '' } });
      add('body utf-16 charset', { body: json(plausible), headers: { 'content-type': 'application/json; charset=utf-16' } });
      add('body bogus charset', { body: json(plausible), headers: { 'content-type': 'application/json; charset=x-fuzz' } });
      for (const encoding of ['gzip', 'deflate', 'br', 'compress', 'gzip, gzip']) add(`body content-encoding ${encoding}`, { body: json(plausible), headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
      // Prototype keys and unknown fields, at the top and one level down.
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        add(`body +${key}`, { body: `{${json(plausible).slice(1, -1)}${fields.length > 0 ? ',' : ''}"${key}":{"isAdmin":true}}` });
      }
      add('body +unknown', { body: json({ ...plausible, isAdmin: true }) });
      add('body {}', { body: '{}' });
      for (const field of fields) {
        const { [field]: _dropped, ...without } = plausible;
        if (required.has(field)) add(`body without ${field}`, { body: json(without) });
        else add(`body ${field}: null`, { body: json({ ...plausible, [field]: null }) });
        for (const wrong of WRONG_TYPES) add(`body ${field}=${json(wrong)}`, { body: json({ ...plausible, [field]: wrong }) });
        for (const text of [`a${NUL}b`, `a${LONE_SURROGATE}b`, `${LONE_SURROGATE}@x.org`, 'a\u007fb', 'x'.repeat(10_000)]) {
          add(`body ${field}=${json(text).slice(0, 16)}`, { body: json({ ...plausible, [field]: text }) });
        }
        add(`body ${field}=[NUL]`, { body: json({ ...plausible, [field]: [`a${NUL}`] }) });
        add(`body ${field}={__proto__}`, { body: json({ ...plausible, [field]: 0 }).replace(`"${field}":0`, `"${field}":{"__proto__":{"x":1}}`) });
      }
    }
    return cases;
  }

  /** Cases with a bad token (and none) for an operation that needs one. */
  tokenCases(method: string, template: string, op: Operation, badTokens: Record<string, string>): FuzzCase[] {
    const operation = `${method} ${template}`;
    const path = this.plausiblePath(template, op);
    const plausible = this.plausibleBody(op);
    const body = plausible !== undefined ? { body: JSON.stringify(plausible) } : {};
    return [
      { operation, label: 'no token', method, path, auth: 'none', ...body },
      ...Object.entries(badTokens).map(([label, header]) => ({ operation, label: `token ${label}`, method, path, auth: { header }, ...body })),
    ];
  }
}
