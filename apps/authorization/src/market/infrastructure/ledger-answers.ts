import { CommonErrorCode, PhdmfError } from '@phdmf/contracts';

/**
 * Whether a failed ledger command may still have committed: it was sent, but its answer did not
 * arrive (a deadline, or the connection dropped). Any other failure is the ledger's, or the
 * chaincode's, definite refusal — or it never reached the ledger at all.
 */
export function isAmbiguous(error: unknown): boolean {
  return error instanceof PhdmfError && (error.code === CommonErrorCode.TIMEOUT || error.code === CommonErrorCode.UNAVAILABLE);
}
