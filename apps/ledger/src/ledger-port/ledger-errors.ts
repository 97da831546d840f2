// Error mapping shared by the adapters. The chaincode puts `{"code":…,"message":…}` in its error
// message; Fabric wraps that message in its own text, the embedded ledger passes it unchanged.
// parseChaincodeError finds and parses the JSON, never the prose around it (CONVENTIONS).
import { ChaincodeErrorCode, parseChaincodeError } from '../chaincode/phdmf-chaincode';
import { LedgerErrorCode, PhdmfError } from '@phdmf/contracts';

/** A ledger failure with one of the ledger service's own codes. */
export function ledgerError(code: LedgerErrorCode, message: string, details?: Record<string, unknown>): PhdmfError {
  return new PhdmfError(code, message, details);
}

/**
 * The error a failed chaincode invocation answers with: the chaincode's own code unchanged,
 * except INPUT.INVALID which becomes LEDGER.INVALID_INPUT; a message without a code (a chaincode
 * bug, or fabric-contract-api refusing the arguments) becomes LEDGER.CHAINCODE_FAILED.
 */
export function chaincodeFailure(message: string, details: Record<string, unknown> = {}): PhdmfError {
  const body = parseChaincodeError(message);
  if (body === undefined) {
    return new PhdmfError(LedgerErrorCode.CHAINCODE_FAILED, `the chaincode failed: ${message}`, details);
  }
  if (body.code === ChaincodeErrorCode.InputInvalid) {
    return new PhdmfError(LedgerErrorCode.INVALID_INPUT, body.message, { ...details, chaincodeCode: body.code });
  }
  return new PhdmfError(body.code, body.message, details);
}

/** True for an error carrying `code`. */
export function hasCode(error: unknown, code: string): error is PhdmfError {
  return error instanceof PhdmfError && error.code === code;
}
