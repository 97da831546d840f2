import { CommonErrorCode, isStableErrorCode, PhdmfError, type WireError } from '@phdmf/contracts';

/** An error that a remote handler answered with; the code is the remote one, unchanged. */
export class RemoteError extends PhdmfError {
  constructor(
    wire: WireError,
    readonly subject: string,
  ) {
    super(wire.code, wire.message, wire.details);
    this.name = 'RemoteError';
  }
}

/** Turns anything a handler threw into the wire shape, keeping the code of a coded error. */
export function toWireError(error: unknown): WireError {
  if (error instanceof PhdmfError) return error.toWire();
  // A driver's error carries a `code` too (SQLITE_ERROR, ECONNREFUSED): that is no wire code.
  if (isWireError(error) && isStableErrorCode(error.code)) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: CommonErrorCode.INTERNAL, message };
}

export function isWireError(value: unknown): value is WireError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WireError).code === 'string' &&
    typeof (value as WireError).message === 'string'
  );
}
