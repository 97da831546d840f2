// What the console shows for a failed call: the API's stable code and its message in plain language
// (the catalogue's sentence for codes people meet often, else the API's own message).
import { PhdmfApiError } from '@phdmf/client';
import { messages, named } from '../i18n';

/** A failed API call as a page shows it. */
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

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof PhdmfApiError) return new ApiError(error.code, error.message, error.status, error.requestId);
  return new ApiError('NETWORK.UNREACHABLE', messages.errors.network, 0);
}
