/** Stable, machine-readable error codes carried in every chaincode error message. */
export const ChaincodeErrorCode = {
  /** The request JSON is malformed or a field is missing, of the wrong type or out of range. */
  InputInvalid: 'INPUT.INVALID',

  /** `consortium:initialize` has not been called yet. */
  ConsortiumNotInitialized: 'CONSORTIUM.NOT_INITIALIZED',
  /** `consortium:initialize` was already called; the governing MSP is fixed. */
  ConsortiumAlreadyInitialized: 'CONSORTIUM.ALREADY_INITIALIZED',
  /** The transaction is reserved to the governing MSP and the caller is another MSP. */
  ConsortiumNotGovernor: 'CONSORTIUM.NOT_GOVERNOR',

  /** No member with that id (or bound to that MSP) exists. */
  MemberNotFound: 'MEMBER.NOT_FOUND',
  /** The member (or another active member bound to the same MSP) is already admitted. */
  MemberAlreadyExists: 'MEMBER.ALREADY_EXISTS',
  /** The caller's MSP belongs to a member whose application was rejected. */
  MemberNotActive: 'MEMBER.NOT_ACTIVE',
  /** A member-bound transaction was submitted from an MSP other than the member's own. */
  MemberMspMismatch: 'MEMBER.MSP_MISMATCH',
  /** The storage node id is already registered by another member (node ids name a site's ledger subjects). */
  MemberNodeIdTaken: 'MEMBER.NODE_ID_TAKEN',

  /** No dataset with that id exists. */
  DatasetNotFound: 'DATASET.NOT_FOUND',
  /** A dataset with that id already exists (deleted datasets keep their id). */
  DatasetAlreadyExists: 'DATASET.ALREADY_EXISTS',
  /** Only the owner organisation's MSP may change the dataset. */
  DatasetNotOwner: 'DATASET.NOT_OWNER',
  /** The dataset was deleted. */
  DatasetDeleted: 'DATASET.DELETED',
  /** The supplied version is not strictly greater than the current on-chain version. */
  DatasetVersionConflict: 'DATASET.VERSION_CONFLICT',
  /** A tamper finding is open on the dataset; it is refused until the owner records a new version. */
  DatasetTampered: 'DATASET.TAMPERED',
  /** A supplied dataset hash differs from the current on-chain hash. */
  DatasetHashMismatch: 'DATASET.HASH_MISMATCH',

  /** No access request with that id exists. */
  AccessRequestNotFound: 'ACCESS.REQUEST_NOT_FOUND',
  /** An access request with that id already exists. */
  AccessRequestAlreadyExists: 'ACCESS.REQUEST_ALREADY_EXISTS',
  /** Only the dataset owner's MSP may grant, deny or revoke access. */
  AccessNotOwner: 'ACCESS.NOT_OWNER',
  /** The request is not in a state that allows the transition (e.g. granting a denied request). */
  AccessInvalidState: 'ACCESS.INVALID_STATE',
  /** No grant exists for that dataset and requester. */
  AccessNotGranted: 'ACCESS.NOT_GRANTED',
  /** The grant was revoked. */
  AccessRevoked: 'ACCESS.REVOKED',
  /** The grant's expiry is at or before the transaction timestamp. */
  AccessExpired: 'ACCESS.EXPIRED',
  /** The columns or statistics asked are not covered by the grant. */
  AccessOutOfScope: 'ACCESS.OUT_OF_SCOPE',
  /** The grant covers another version of the dataset and does not follow updates: the owner must renew it. */
  AccessVersionNotCovered: 'ACCESS.VERSION_NOT_COVERED',
  /** A grant tried to widen the requested scope (columns, statistics or expiry). */
  AccessScopeWidened: 'ACCESS.SCOPE_WIDENED',
  /** The dataset's owner closed it to access requests. */
  AccessDatasetClosed: 'ACCESS.DATASET_CLOSED',

  /** The grant is not in the `dp` privacy mode, so it has no budget to reserve from. */
  BudgetNotDp: 'BUDGET.NOT_DP',
  /** The reservation would take a grant's spent ρ over its budget; nothing was reserved. */
  BudgetExhausted: 'BUDGET.EXHAUSTED',
  /** The budget ρ is not positive or above the consortium's maximum. */
  BudgetInvalid: 'BUDGET.INVALID',
  /** No reservation exists for that analysis id. */
  BudgetReservationNotFound: 'BUDGET.RESERVATION_NOT_FOUND',
  /** A reservation for that analysis id already exists. */
  BudgetReservationAlreadyExists: 'BUDGET.RESERVATION_ALREADY_EXISTS',
  /** The reservation is released, or an analysis already used it: it can be neither used nor released again. */
  BudgetReservationClosed: 'BUDGET.RESERVATION_CLOSED',
  /** The reservation does not match the analysis (requester, grants) or is missing where a dp grant needs it. */
  BudgetReservationMismatch: 'BUDGET.RESERVATION_MISMATCH',

  /** No analysis with that id exists. */
  AuditAnalysisNotFound: 'AUDIT.ANALYSIS_NOT_FOUND',
  /** An analysis with that id was already recorded. */
  AuditAnalysisAlreadyExists: 'AUDIT.ANALYSIS_ALREADY_EXISTS',
  /** A tamper finding with that id was already recorded for the dataset. */
  AuditFindingAlreadyExists: 'AUDIT.FINDING_ALREADY_EXISTS',

  /** A transaction named a commit key (`idempotencyKey`) that an earlier transaction committed: nothing is written again. */
  CommitKeyUsed: 'COMMIT.KEY_USED',
  /** No transaction committed under that commit key. */
  CommitKeyNotFound: 'COMMIT.KEY_NOT_FOUND',
} as const;

/** One of the values of {@link ChaincodeErrorCode}. */
export type ChaincodeErrorCode = (typeof ChaincodeErrorCode)[keyof typeof ChaincodeErrorCode];

/** The structured form of a chaincode error, as carried in its message. */
export interface ChaincodeErrorBody {
  code: string;
  message: string;
}

/**
 * A coded chaincode error. Its `message` is exactly `JSON.stringify({ code, message })`, because Fabric
 * passes only the message string through to the client (endorsement error details).
 */
export class ChaincodeError extends Error {
  /** The stable code. */
  readonly code: ChaincodeErrorCode;
  /** The human-readable explanation (without the code). */
  readonly detail: string;

  constructor(code: ChaincodeErrorCode, detail: string) {
    super(JSON.stringify({ code, message: detail }));
    this.name = 'ChaincodeError';
    this.code = code;
    this.detail = detail;
  }
}

const MARKER = '{"code":';

function isErrorBody(value: unknown): value is ChaincodeErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body['code'] === 'string' && typeof body['message'] === 'string';
}

/**
 * Extracts `{ code, message }` from a chaincode error message. The message may be the bare JSON or be
 * embedded in a client library's wrapper text (e.g. `chaincode response 500, {"code":…}`); the JSON
 * object itself is parsed, never the prose around it. Returns undefined when no coded error is found.
 */
export function parseChaincodeError(message: string): ChaincodeErrorBody | undefined {
  let start = message.indexOf(MARKER);
  while (start !== -1) {
    // Try the longest candidate first: the body's message may itself contain '}'.
    let end = message.lastIndexOf('}');
    while (end > start) {
      try {
        const parsed: unknown = JSON.parse(message.slice(start, end + 1));
        if (isErrorBody(parsed)) return { code: parsed.code, message: parsed.message };
      } catch {
        // not a complete JSON object yet; try a shorter candidate
      }
      end = message.lastIndexOf('}', end - 1);
    }
    start = message.indexOf(MARKER, start + 1);
  }
  return undefined;
}
