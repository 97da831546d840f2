import { CommonErrorCode, PhdmfError } from '../../lib/errors';

/**
 * Codes of the ledger service's own errors. Coded chaincode errors (e.g. `ACCESS.NOT_OWNER`) are
 * passed through unchanged and listed in {@link LedgerChaincodeErrorCode}; the chaincode's
 * `INPUT.INVALID` arrives as `LEDGER.INVALID_INPUT`.
 */
export const LedgerErrorCode = {
  /** The request was refused as malformed (by the chaincode's boundary checks or the ledger). */
  INVALID_INPUT: 'LEDGER.INVALID_INPUT',
  /** The transaction kept conflicting with concurrent ones (MVCC) after every retry. */
  MVCC_CONFLICT: 'LEDGER.MVCC_CONFLICT',
  /** The ledger cannot be reached or is closed; retry later. */
  UNAVAILABLE: 'LEDGER.UNAVAILABLE',
  /** The block or transaction asked for does not exist. */
  NOT_FOUND: 'LEDGER.NOT_FOUND',
  /** The chaincode failed without a machine-readable code (a chaincode bug or a platform error). */
  CHAINCODE_FAILED: 'LEDGER.CHAINCODE_FAILED',
  /** A ledger command arrived without an acting user, so no organisation can sign it. */
  ACTOR_REQUIRED: 'LEDGER.ACTOR_REQUIRED',
  /** The acting user belongs to no organisation and is neither a service nor a consortium admin. */
  ORGANISATION_REQUIRED: 'LEDGER.ORGANISATION_REQUIRED',
  /** The acting user's organisation is not an active consortium member, so it has no signing identity. */
  ORGANISATION_NOT_MEMBER: 'LEDGER.ORGANISATION_NOT_MEMBER',
  /**
   * A command on a storage node's own subject acts for someone other than the member that registered
   * that node (another organisation, the consortium, or a node no active member registered).
   */
  NODE_MISMATCH: 'LEDGER.NODE_MISMATCH',
} as const;

/** One of {@link LedgerErrorCode}. */
export type LedgerErrorCode = (typeof LedgerErrorCode)[keyof typeof LedgerErrorCode];

/**
 * Codes of a ledger call that reached no decision: the ledger (or the bus to it) did not answer, was
 * restarting, or lost a race it retries itself. The same call may succeed later, so a writer keeps its
 * intent and tries again; every other code is a decision (a refusal) that retrying does not change.
 */
export const LEDGER_RETRYABLE_CODES: ReadonlySet<string> = new Set<string>([
  CommonErrorCode.TIMEOUT,
  CommonErrorCode.NO_RESPONDERS,
  CommonErrorCode.UNAVAILABLE,
  LedgerErrorCode.UNAVAILABLE,
  LedgerErrorCode.MVCC_CONFLICT,
]);

/** Whether a ledger call failed with one of {@link LEDGER_RETRYABLE_CODES} (retry later) rather than a refusal. */
export function isLedgerRetryable(error: unknown): error is PhdmfError {
  return error instanceof PhdmfError && LEDGER_RETRYABLE_CODES.has(error.code);
}

/**
 * Whether a failed ledger command may still have committed: it was sent, but its answer did not
 * arrive (a deadline, or the connection dropped). Any other failure is the ledger's, or the
 * chaincode's, definite refusal — or it never reached the ledger at all (no responders).
 */
export function isAmbiguous(error: unknown): error is PhdmfError {
  return error instanceof PhdmfError && (error.code === CommonErrorCode.TIMEOUT || error.code === CommonErrorCode.UNAVAILABLE);
}

/**
 * What a client is answered when a ledger write it asked for met an outage: one clear, retryable
 * `LEDGER.UNAVAILABLE` (503 at the edge; `details.retryable`, `details.cause` the original code) saying
 * what to do. Refusals, and anything else, pass through unchanged.
 */
export function ledgerUnavailable(error: unknown, whatToDo: string): unknown {
  if (!isLedgerRetryable(error) || error.code === LedgerErrorCode.UNAVAILABLE) return error;
  return new PhdmfError(LedgerErrorCode.UNAVAILABLE, `The ledger did not answer; ${whatToDo}`, { retryable: true, cause: error.code }, { cause: error });
}

/**
 * The chaincode's own codes, which ledger commands and queries answer with unchanged. Mirrors
 * `ChaincodeErrorCode` of `@phdmf/chaincode` (without `INPUT.INVALID`, answered as
 * `LEDGER.INVALID_INPUT`); a test in apps/ledger fails if the two drift apart.
 */
export const LedgerChaincodeErrorCode = {
  ConsortiumNotInitialized: 'CONSORTIUM.NOT_INITIALIZED',
  ConsortiumAlreadyInitialized: 'CONSORTIUM.ALREADY_INITIALIZED',
  ConsortiumNotGovernor: 'CONSORTIUM.NOT_GOVERNOR',
  MemberNotFound: 'MEMBER.NOT_FOUND',
  MemberAlreadyExists: 'MEMBER.ALREADY_EXISTS',
  MemberNotActive: 'MEMBER.NOT_ACTIVE',
  MemberMspMismatch: 'MEMBER.MSP_MISMATCH',
  MemberNodeIdTaken: 'MEMBER.NODE_ID_TAKEN',
  DatasetNotFound: 'DATASET.NOT_FOUND',
  DatasetAlreadyExists: 'DATASET.ALREADY_EXISTS',
  DatasetNotOwner: 'DATASET.NOT_OWNER',
  DatasetDeleted: 'DATASET.DELETED',
  DatasetVersionConflict: 'DATASET.VERSION_CONFLICT',
  DatasetTampered: 'DATASET.TAMPERED',
  DatasetHashMismatch: 'DATASET.HASH_MISMATCH',
  AccessRequestNotFound: 'ACCESS.REQUEST_NOT_FOUND',
  AccessRequestAlreadyExists: 'ACCESS.REQUEST_ALREADY_EXISTS',
  AccessNotOwner: 'ACCESS.NOT_OWNER',
  AccessInvalidState: 'ACCESS.INVALID_STATE',
  AccessNotGranted: 'ACCESS.NOT_GRANTED',
  AccessRevoked: 'ACCESS.REVOKED',
  AccessExpired: 'ACCESS.EXPIRED',
  AccessOutOfScope: 'ACCESS.OUT_OF_SCOPE',
  AccessVersionNotCovered: 'ACCESS.VERSION_NOT_COVERED',
  AccessScopeWidened: 'ACCESS.SCOPE_WIDENED',
  AccessDatasetClosed: 'ACCESS.DATASET_CLOSED',
  BudgetNotDp: 'BUDGET.NOT_DP',
  BudgetExhausted: 'BUDGET.EXHAUSTED',
  BudgetInvalid: 'BUDGET.INVALID',
  BudgetReservationNotFound: 'BUDGET.RESERVATION_NOT_FOUND',
  BudgetReservationAlreadyExists: 'BUDGET.RESERVATION_ALREADY_EXISTS',
  BudgetReservationClosed: 'BUDGET.RESERVATION_CLOSED',
  BudgetReservationMismatch: 'BUDGET.RESERVATION_MISMATCH',
  AuditAnalysisNotFound: 'AUDIT.ANALYSIS_NOT_FOUND',
  AuditAnalysisAlreadyExists: 'AUDIT.ANALYSIS_ALREADY_EXISTS',
  AuditFindingAlreadyExists: 'AUDIT.FINDING_ALREADY_EXISTS',
  CommitKeyUsed: 'COMMIT.KEY_USED',
  CommitKeyNotFound: 'COMMIT.KEY_NOT_FOUND',
} as const;

/** One of {@link LedgerChaincodeErrorCode}. */
export type LedgerChaincodeErrorCode = (typeof LedgerChaincodeErrorCode)[keyof typeof LedgerChaincodeErrorCode];
