// What the console shows for a failed call: the API's stable code and its message in plain language
// (the catalogue's sentence for codes people meet often, else the API's own message).
import { messages, named } from '../i18n';

/** A failed API call, as the edge answered it (`{ error: { code, message, requestId } }`). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The sentence a person reads. */
  get plain(): string {
    return named(messages.errors.codes, this.code) ?? this.message;
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; requestId?: unknown };
}

export function apiErrorFrom(status: number, body: unknown): ApiError {
  const error = (body as ErrorBody | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(error.code, error.message, status, typeof error.requestId === 'string' ? error.requestId : undefined);
  }
  return new ApiError('HTTP.UNEXPECTED', messages.errors.unexpected, status);
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('NETWORK.UNREACHABLE', messages.errors.network, 0);
}
