// Every answer the REST end-to-end suites and the storage site's suites receive is checked against
// the server's own OpenAPI document (the edge's at /api/v1/openapi.json, a site's at /openapi.json):
// its status must be documented for the operation, an error's code must be among those the operation
// lists, and a JSON body must match the documented schema, with no field the document does not name.
// So the documents cannot drift from the code.
//
// ajv (the standard JSON Schema validator) and ajv-formats (date-time, email, uuid). The tree's
// top-level `ajv` is eslint's v6; ajv 8 is the one ajv-formats itself depends on, resolved from it.
import { createRequire } from 'node:module';

interface ValidateFn {
  (data: unknown): boolean;
  errors?: { instancePath: string; message?: string; params?: unknown }[] | null;
}
interface AjvInstance {
  compile(schema: object): ValidateFn;
}
const requireFromFormats = createRequire(require.resolve('ajv-formats'));
const Ajv = (requireFromFormats('ajv') as { default: new (o: object) => AjvInstance }).default;
const addFormats = (requireFromFormats('ajv-formats') as { default: (ajv: AjvInstance) => void }).default;

type Schema = Record<string, unknown>;
interface HeaderObject {
  $ref?: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Schema }>; headers?: Record<string, HeaderObject> }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; headers?: Record<string, HeaderObject> };
}

/** The answer's headers, as fetch's `Headers` reads them (case-insensitive). */
export interface AnswerHeaders {
  get(name: string): string | null;
}

/**
 * Closes every object schema of the components: a field the document does not name is a drift.
 * (Inline schemas in the paths stay open: they refine a component, e.g. an error's code enum.)
 */
function closeObjects(schema: unknown): void {
  if (typeof schema !== 'object' || schema === null) return;
  if (Array.isArray(schema)) {
    for (const s of schema) closeObjects(s);
    return;
  }
  const s = schema as Schema;
  if (s['properties'] !== undefined && s['additionalProperties'] === undefined) s['additionalProperties'] = false;
  for (const [key, value] of Object.entries(s)) if (key !== 'example' && key !== 'enum') closeObjects(value);
}

/** OpenAPI 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` in the JSON Schema form ajv reads (a bound). */
function toJsonSchemaBounds(schema: unknown): void {
  if (typeof schema !== 'object' || schema === null) return;
  if (Array.isArray(schema)) {
    for (const s of schema) toJsonSchemaBounds(s);
    return;
  }
  const s = schema as Schema;
  if (typeof s['exclusiveMinimum'] === 'boolean') {
    const { exclusiveMinimum, minimum, ...rest } = s;
    Object.keys(s).forEach((k) => Reflect.deleteProperty(s, k));
    Object.assign(s, rest, exclusiveMinimum && typeof minimum === 'number' ? { exclusiveMinimum: minimum } : minimum === undefined ? {} : { minimum });
  }
  if (typeof s['exclusiveMaximum'] === 'boolean') {
    const { exclusiveMaximum, maximum, ...rest } = s;
    Object.keys(s).forEach((k) => Reflect.deleteProperty(s, k));
    Object.assign(s, rest, exclusiveMaximum && typeof maximum === 'number' ? { exclusiveMaximum: maximum } : maximum === undefined ? {} : { maximum });
  }
  for (const [key, value] of Object.entries(s)) if (key !== 'example' && key !== 'enum') toJsonSchemaBounds(value);
}

export class OpenApiConformance {
  private static readonly byDocument = new Map<string, Promise<OpenApiConformance | undefined>>();
  private readonly ajv: AjvInstance;
  private readonly validators = new Map<string, ValidateFn>();
  private readonly routes: { method: string; template: string; pattern: RegExp; op: Operation }[] = [];

  /** A checker over this document (a copy: its component objects are closed). */
  static of(document: OpenApiDocument): OpenApiConformance {
    return new OpenApiConformance(structuredClone(document));
  }

  private constructor(private readonly doc: OpenApiDocument) {
    toJsonSchemaBounds(doc);
    closeObjects(doc.components.schemas);
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    for (const [template, item] of Object.entries(doc.paths)) {
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const [method, op] of Object.entries(item)) this.routes.push({ method: method.toUpperCase(), template, pattern, op });
    }
  }

  /**
   * The checker of the server at `baseUrl` by the document it serves at `documentPath` (fetched
   * once); undefined when it serves none.
   */
  static for(baseUrl: string, documentPath = '/api/v1/openapi.json'): Promise<OpenApiConformance | undefined> {
    const url = `${baseUrl}${documentPath}`;
    let found = this.byDocument.get(url);
    if (!found) {
      found = fetch(url).then(async (res) => (res.ok ? OpenApiConformance.of((await res.json()) as OpenApiDocument) : undefined));
      this.byDocument.set(url, found);
    }
    return found;
  }

  /**
   * What is wrong with this answer by the document, or undefined. With `headers`, also its documented
   * header fields: a required one missing, a present one whose value its schema refuses, or one of the
   * document's shared header components (the rate-limit fields) sent where the document does not list it.
   */
  problem(method: string, url: string, status: number, contentType: string | null, body: unknown, headers?: AnswerHeaders): string | undefined {
    const bodyProblem = this.bodyProblem(method, url, status, contentType, body);
    if (bodyProblem !== undefined || headers === undefined) return bodyProblem;
    return this.headerProblem(method, url, status, headers);
  }

  private routeOf(method: string, url: string) {
    const path = url.split('?')[0] ?? url;
    return this.routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(path));
  }

  private headerProblem(method: string, url: string, status: number, headers: AnswerHeaders): string | undefined {
    const route = this.routeOf(method, url);
    const documented = route?.op.responses[String(status)] ?? (status >= 400 ? route?.op.responses['default'] : undefined);
    if (route === undefined || documented === undefined) return undefined;
    const listed = new Map(Object.entries(documented.headers ?? {}).map(([name, h]) => [name.toLowerCase(), { name, header: h }]));
    for (const { name, header } of listed.values()) {
      const resolved = header.$ref === undefined ? header : { ...this.doc.components.headers?.[header.$ref.replace('#/components/headers/', '')], ...header };
      const value = headers.get(name);
      if (value === null) {
        if (resolved.required === true) return `${method} ${route.template} ${status}: no ${name} header, which the document requires`;
        continue;
      }
      const schema = resolved.schema;
      if (schema === undefined) continue;
      const typed = schema['type'] === 'integer' || schema['type'] === 'number' ? (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value) : value;
      const key = `header ${JSON.stringify(schema)}`;
      let validate = this.validators.get(key);
      if (!validate) {
        validate = this.ajv.compile(schema);
        this.validators.set(key, validate);
      }
      if (!validate(typed)) return `${method} ${route.template} ${status}: header ${name}: ${JSON.stringify(value)} is not what the document says`;
    }
    for (const shared of Object.keys(this.doc.components.headers ?? {})) {
      if (headers.get(shared) !== null && !listed.has(shared.toLowerCase())) return `${method} ${route.template} ${status}: a ${shared} header the document does not list for this answer`;
    }
    return undefined;
  }

  private bodyProblem(method: string, url: string, status: number, contentType: string | null, body: unknown): string | undefined {
    const path = url.split('?')[0] ?? url;
    const route = this.routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(path));
    if (route === undefined) {
      // An unknown route or method is the HTTP layer's 404/405 (or the docs page, which is no operation).
      return status === 404 || status === 405 || /\/(docs|openapi\.(json|yaml))(\/|$)/.test(path) ? undefined : `no operation ${method} ${path} in the document`;
    }
    const documented = route.op.responses[String(status)] ?? (status >= 400 ? route.op.responses['default'] : undefined);
    if (documented === undefined) return `${method} ${route.template} answered ${status}, which the document does not list`;
    if (contentType === null || !contentType.includes('application/json')) return undefined;
    const schema = documented.content?.['application/json']?.schema;
    if (schema === undefined) return body === undefined ? undefined : `${method} ${route.template} ${status}: a JSON body the document does not describe`;
    const key = `${method} ${route.template} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      // The operation's schema with the document's components beside it, so `#/components/…` resolves.
      validate = this.ajv.compile({ allOf: [schema], components: this.doc.components });
      this.validators.set(key, validate);
    }
    if (validate(body)) return undefined;
    const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    return `${key}: ${errors.join('; ')}`;
  }
}
