// A raw HTTP client for the fuzz tests: exact bytes and exact headers (fetch adds, normalises or
// refuses some of them), and answers read whatever their content type.
import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export function rawRequest(baseUrl: string, method: string, path: string, o: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: { ...(o.body !== undefined ? { 'content-length': String(Buffer.byteLength(o.body)) } : {}), ...o.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

const STABLE_CODE = /^[A-Z][A-Z0-9_]*(\.[A-Z][A-Z0-9_]*)+$/;
const ERROR_KEYS = new Set(['code', 'message', 'details', 'requestId']);

/** Why an answer is not the documented error shape `{ error: { code, message, details?, requestId? } }`, or undefined when it is. */
export function errorShapeProblem(a: RawAnswer): string | undefined {
  if (!String(a.headers['content-type'] ?? '').startsWith('application/json')) return `content-type ${String(a.headers['content-type'])}`;
  const body: unknown = a.json;
  if (typeof body !== 'object' || body === null || Object.keys(body).join() !== 'error') return 'not { error }';
  const e: unknown = (body as { error: unknown }).error;
  if (typeof e !== 'object' || e === null) return 'error is not an object';
  return fieldProblem(e as Record<string, unknown>);
}

function fieldProblem(e: Record<string, unknown>): string | undefined {
  if (typeof e.code !== 'string' || !STABLE_CODE.test(e.code)) return `code ${String(e.code)}`;
  if (typeof e.message !== 'string' || e.message.length === 0) return 'no message';
  if (e.details !== undefined && (typeof e.details !== 'object' || e.details === null || Array.isArray(e.details))) return 'details is not an object';
  const extra = Object.keys(e).filter((k) => !ERROR_KEYS.has(k));
  if (extra.length > 0) return `extra keys ${extra.join()}`;
  return undefined;
}

// What an answer must never contain: a stack frame, a file path of this machine, an engine's or a
// library's own message (SQL, Node, V8, zlib, class-transformer).
const LEAKS: readonly RegExp[] = [
  /\bat [\w.<>$]+ \(/,
  /\bat (?:async )?\/?[\w./-]+\.[jt]s:\d+/,
  /\/(?:work|home|srv|usr|tmp|opt|var)\/[\w.-]+\//,
  /node_modules/,
  /\.(?:ts|js):\d+/,
  /SQLITE_|\bsqlite\b|syntax error|unrecognized token|violates|relation "|duplicate key/i,
  /RangeError|TypeError|URIError|SyntaxError|ReferenceError|Maximum call stack/,
  /Unexpected token|in JSON at position|is not valid JSON/,
  /incorrect header check|unexpected end of file|invalid (?:stored block|distance|code)|Decompression failed|zlib/i,
  /ECONNREFUSED|ETIMEDOUT|EPIPE|ENOENT/,
];

/** The first leak pattern an answer matches, or undefined. */
export function leakIn(a: RawAnswer): string | undefined {
  return LEAKS.find((p) => p.test(a.text))?.source;
}
