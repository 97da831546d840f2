// Which error codes each operation can answer, in the OpenAPI document: one response per status,
// each with the enum of its codes and an example, the statuses taken from the one code → status
// table (`httpStatusFor` in @phdmf/contracts). A controller or handler names the code tables of the
// services it reaches (`@ApiErrors`); what every call can meet on the way (rate limit, token,
// validation, the bus) is added from the operation's own shape.
import type { OpenAPIObject } from '@nestjs/swagger';
import { AuthErrorCode } from '@phdmf/auth';
import { CommonErrorCode, HttpErrorCode, httpStatusFor } from '@phdmf/contracts';
import { EdgeErrorCode } from './error-status';

type CodeTable = Readonly<Record<string, string>>;
type Class = abstract new (...args: never[]) => unknown;

const ERROR_CODES = Symbol('phdmf:error-codes');

/** The tag of the orchestrators' probes: unthrottled, unauthenticated, and they document their own answers. */
export const PROBES_TAG = 'probes';

function codesOf(sources: readonly (CodeTable | string)[]): string[] {
  return sources.flatMap((s) => (typeof s === 'string' ? [s] : Object.values(s)));
}

/** The codes (or code tables) an operation, or every operation of a controller, can answer besides the common ones. */
export function ApiErrors(...sources: (CodeTable | string)[]): ClassDecorator & MethodDecorator {
  const codes = codesOf(sources);
  return (target: object, key?: string | symbol) => {
    const holder = key === undefined ? target : (target as Record<string | symbol, object>)[key];
    if (holder === undefined) return;
    const own = (Reflect.getOwnMetadata(ERROR_CODES, holder) ?? []) as string[];
    Reflect.defineMetadata(ERROR_CODES, [...own, ...codes], holder);
  };
}

/** Codes any call can meet: the rate limit, the bus to the service, an unexpected failure. */
const ALWAYS = [HttpErrorCode.RATE_LIMITED, CommonErrorCode.TIMEOUT, CommonErrorCode.NO_RESPONDERS, CommonErrorCode.UNAVAILABLE, CommonErrorCode.MALFORMED_MESSAGE, CommonErrorCode.DEADLINE_EXCEEDED, CommonErrorCode.INTERNAL];
/** With a bearer token: a missing, bad or expired token, a role the operation does not admit. */
const AUTHENTICATED = [AuthErrorCode.TOKEN_INVALID, AuthErrorCode.TOKEN_EXPIRED, 'AUTH.UNAUTHENTICATED', EdgeErrorCode.FORBIDDEN];
/** With parameters or a body: the validation pipe; a path that is not well-formed percent-encoding. */
const WITH_INPUT = [CommonErrorCode.VALIDATION_FAILED, HttpErrorCode.BAD_REQUEST];
/** With a body: the body parser. */
const WITH_BODY = [HttpErrorCode.PAYLOAD_TOO_LARGE, HttpErrorCode.UNSUPPORTED_MEDIA_TYPE];

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

/** The codes an operation can answer: its declared ones and those its shape brings. */
export function operationCodes(op: Operation, declared: readonly string[]): string[] {
  const codes = [...declared, ...ALWAYS];
  if (op.security !== undefined && op.security.length > 0) codes.push(...AUTHENTICATED);
  if ((op.parameters ?? []).length > 0 || op.requestBody !== undefined) codes.push(...WITH_INPUT);
  if (op.requestBody !== undefined) codes.push(...WITH_BODY);
  return [...new Set(codes)];
}

/** Declared codes per operation id (`<Controller>_<handler>`, @nestjs/swagger's default). */
function declaredCodes(controllers: readonly Class[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const controller of controllers) {
    const shared = (Reflect.getOwnMetadata(ERROR_CODES, controller) ?? []) as string[];
    const proto = controller.prototype as Record<string, object>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor') continue;
      const own = (Reflect.getOwnMetadata(ERROR_CODES, proto[name] ?? {}) ?? []) as string[];
      out.set(`${controller.name}_${name}`, [...shared, ...own]);
    }
  }
  return out;
}

/**
 * Adds to every operation one response per error status it can answer, each with the enum of its
 * codes, and keeps `default` for what no table foresees. Probes (no security, no error body by
 * design) document their own answers.
 */
export function documentErrors(document: OpenAPIObject, controllers: readonly Class[]): void {
  const declared = declaredCodes(controllers);
  for (const item of Object.values(document.paths)) {
    for (const value of Object.values(item)) {
      if (typeof value !== 'object' || value === null || !('responses' in value)) continue;
      const op = value as Operation;
      op.responses.default ??= { description: 'Error (4xx/5xx) with a stable code', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } };
      if (op.tags?.includes(PROBES_TAG)) continue;
      const byStatus = new Map<number, string[]>();
      for (const code of operationCodes(op, declared.get(op.operationId ?? '') ?? [])) {
        const status = httpStatusFor(code);
        byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
      }
      for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
        if (op.responses[String(status)] !== undefined) continue;
        codes.sort();
        op.responses[String(status)] = {
          description: `Refused or failed: ${codes.join(', ')}`,
          content: {
            'application/json': {
              schema: { allOf: [{ $ref: '#/components/schemas/ErrorResponse' }, { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string', enum: codes } } } } }] },
              example: { error: { code: codes[0], message: 'What went wrong, in a sentence', requestId: 'req-5f0c2a9e' } },
            },
          },
        };
      }
    }
  }
}
