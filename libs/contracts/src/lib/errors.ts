/**
 * Errors that may cross a process boundary. Every one carries a stable, machine-readable code;
 * the messaging layer moves `{ code, message, details }` and the REST edge maps codes to HTTP
 * statuses in one table. Domain code throws these, never HTTP exceptions.
 */
export class PhdmfError extends Error {
  /**
   * @param options.cause the error this one stands for (a driver's, a remote's): kept for the logs
   *   (pino prints `err.cause`), never put on the wire — `toWire()` carries code, message and details only.
   */
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PhdmfError';
  }

  toWire(): WireError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** The shape of an error on the wire. */
export interface WireError {
  code: string;
  message: string;
  details?: Readonly<Record<string, unknown>>;
}

/** Codes shared by every service; each service adds its own next to its messages. */
export const CommonErrorCode = {
  /** The payload failed class-validator checks at the receiving edge. */
  VALIDATION_FAILED: 'VALIDATION.FAILED',
  /** The payload was not valid JSON. */
  MALFORMED_MESSAGE: 'MESSAGING.MALFORMED',
  /** No reply arrived before the caller's deadline. */
  TIMEOUT: 'MESSAGING.TIMEOUT',
  /** Nobody subscribes to the subject (the service is down or not deployed). */
  NO_RESPONDERS: 'MESSAGING.NO_RESPONDERS',
  /** The NATS connection is closed or draining. */
  UNAVAILABLE: 'MESSAGING.UNAVAILABLE',
  /** The handler failed with an error that has no code of its own. */
  INTERNAL: 'INTERNAL.UNEXPECTED',
  /** A required configuration value is missing or malformed. */
  CONFIG_INVALID: 'CONFIG.INVALID',
  /** A per-user quota is used up; `details`: what, limit, windowSeconds, retryAfterSeconds. */
  QUOTA_EXCEEDED: 'QUOTA.EXCEEDED',
  /** The caller's deadline (the Phdmf-Deadline header) had passed before the work started: it was not done. */
  DEADLINE_EXCEEDED: 'MESSAGING.DEADLINE_EXCEEDED',
  /** A message that acts for a user carries no acting user (the actor header). */
  UNAUTHENTICATED: 'AUTH.UNAUTHENTICATED',
} as const;

/** A stable error code: dotted upper-case words (`AREA.WHAT`), e.g. `DATASET.NOT_FOUND`. */
export const ERROR_CODE_PATTERN = /^[A-Z][A-Z0-9_]*(?:\.[A-Z][A-Z0-9_]*)+$/;

/**
 * True for a code in the {@link ERROR_CODE_PATTERN} shape. A library's own `code` (`SQLITE_ERROR`,
 * `ECONNREFUSED`, `ERR_…`) is not one: it names an engine, not a refusal a client can act on.
 */
export function isStableErrorCode(code: string): boolean {
  return ERROR_CODE_PATTERN.test(code);
}
