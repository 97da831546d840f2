// Errors as values: every refusal of the API is a PhdmfApiError with the API's own stable code.
import type { ApiErrorCode } from './generated/error-codes';

/** The error body every refusal of the API carries (`{ error: { code, message, details?, requestId } }`). */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}

/** A refusal or failure answered by the API: its HTTP status and its stable code. */
export class PhdmfApiError extends Error {
  override readonly name = 'PhdmfApiError';

  constructor(
    /** HTTP status of the answer. */
    readonly status: number,
    /** The API's stable code (`ACCESS.NOT_GRANTED`, `BUDGET.EXHAUSTED` …): branch on this, never on the message. */
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
    /** The request id the edge logged the call under (give it to the operators). */
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** The error an answer stands for; an answer without the API's error body (a proxy's page) gets `HTTP.<status>`. */
  static fromBody(status: number, body: unknown): PhdmfApiError {
    if (isApiErrorBody(body)) {
      const { code, message, details, requestId } = body.error;
      return new PhdmfApiError(status, code as ApiErrorCode, message, details, requestId);
    }
    return new PhdmfApiError(status, `HTTP.${status}` as ApiErrorCode, `HTTP ${status} without an API error body`);
  }

  /** Reads an answer's body (JSON or not) into the error it stands for. */
  static async fromResponse(response: Response): Promise<PhdmfApiError> {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      // Not JSON: fromBody names it by its status.
    }
    return PhdmfApiError.fromBody(response.status, body);
  }
}

/** Whether a value is a PhdmfApiError, optionally with one of the given codes. */
export function isPhdmfApiError(value: unknown, ...codes: ApiErrorCode[]): value is PhdmfApiError {
  return value instanceof PhdmfApiError && (codes.length === 0 || codes.includes(value.code));
}

function isApiErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' && typeof (error as { message?: unknown }).message === 'string';
}
