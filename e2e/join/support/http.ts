// A small HTTP client for the REST edge, as an integrator would use it. Every answer is checked
// against the edge's OpenAPI document (OpenApiConformance of @phdmf/testing): one that the document does
// not describe fails the test that received it.
import { OpenApiConformance } from '@phdmf/testing';
export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown>; requestId?: string };
}

export class Api {
  constructor(readonly baseUrl: string) {}

  async call<T = unknown>(method: string, path: string, o: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined;
    if (o.rawBody !== undefined) body = o.rawBody;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (the docs page)
    }
    const conformance = await OpenApiConformance.for(this.baseUrl);
    // The path as fetch sent it (it resolves dot segments, `%2e%2e` included).
    const sent = new URL(`${this.baseUrl}${path}`).pathname;
    const problem = conformance?.problem(method, sent, res.status, res.headers.get('content-type'), parsed, res.headers);
    if (problem !== undefined) throw new Error(`answer not as documented: ${problem}\n${text.slice(0, 2000)}`);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = unknown>(path: string, token?: string) {
    return this.call<T>('GET', path, token ? { token } : {});
  }

  post<T = unknown>(path: string, body: unknown, token?: string) {
    return this.call<T>('POST', path, { body, ...(token ? { token } : {}) });
  }

  async login(email: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
    const r = await this.post<{ accessToken: string; refreshToken: string }>('/api/v1/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login of ${email} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async register(email: string, password: string, displayName = email): Promise<{ userId: string }> {
    const r = await this.post<{ userId: string }>('/api/v1/auth/register', { email, password, displayName });
    if (r.status !== 201) throw new Error(`registration of ${email} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
}
