// THE table from error codes to HTTP statuses, for every HTTP listener of PHDMF: the REST edge and
// each storage site's local API. It lives here, beside the codes, so that neither keeps a copy.
import { ModellingErrorCode } from '../modelling/errors';
import { StorageErrorCode } from '../storage/lib/errors';
import { CommonErrorCode, type WireError } from './errors';
import { PaginationErrorCode } from './pagination';

/** Codes of failures at the HTTP layer itself, before any handler ran. */
export const HttpErrorCode = {
  NOT_FOUND: 'HTTP.NOT_FOUND',
  BAD_REQUEST: 'HTTP.BAD_REQUEST',
  PAYLOAD_TOO_LARGE: 'HTTP.PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'HTTP.UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED: 'HTTP.RATE_LIMITED',
  /** The request's headers are larger than the server reads (Node's parser refuses them before any route). */
  HEADERS_TOO_LARGE: 'HTTP.HEADERS_TOO_LARGE',
  /** The request did not arrive in full in time. */
  REQUEST_TIMEOUT: 'HTTP.REQUEST_TIMEOUT',
} as const;

/**
 * Codes of the edge's Idempotency-Key handling (IETF httpapi draft "The Idempotency-Key HTTP Header
 * Field": 400 for a malformed key, 422 for a key reused with another request, 409 while the first
 * request with the key is still being answered).
 */
export const IdempotencyErrorCode = {
  KEY_INVALID: 'IDEMPOTENCY.KEY_INVALID',
  KEY_REUSED: 'IDEMPOTENCY.KEY_REUSED',
  IN_FLIGHT: 'IDEMPOTENCY.IN_FLIGHT',
} as const;

/** Codes of the edge's event feed (`GET /api/v1/events`, Server-Sent Events). */
export const EventFeedErrorCode = {
  /** `Last-Event-ID` (or `?lastEventId=`) is not a sequence of the event stream: not a decimal integer, or beyond its last event. */
  LAST_EVENT_ID_INVALID: 'EVENTS.LAST_EVENT_ID_INVALID',
} as const;

/**
 * A fixed sentence for each failure of the HTTP layer, by status: never the framework's or the
 * parser's own text (it echoes paths and bodies).
 */
export const HTTP_LAYER_ERRORS = {
  400: { code: HttpErrorCode.BAD_REQUEST, message: 'Malformed request' },
  404: { code: HttpErrorCode.NOT_FOUND, message: 'No such endpoint' },
  408: { code: HttpErrorCode.REQUEST_TIMEOUT, message: 'The request did not arrive in time' },
  413: { code: HttpErrorCode.PAYLOAD_TOO_LARGE, message: 'Request body too large' },
  415: { code: HttpErrorCode.UNSUPPORTED_MEDIA_TYPE, message: 'Unsupported content type' },
  431: { code: HttpErrorCode.HEADERS_TOO_LARGE, message: 'Request headers too large' },
} as const satisfies Readonly<Record<number, WireError>>;

/** The coded error for an HTTP-layer failure with this status, if it is one of those PHDMF names. */
export function httpLayerError(status: number): WireError | undefined {
  return (HTTP_LAYER_ERRORS as Readonly<Record<number, WireError>>)[status];
}

/** The body of every HTTP error answer, at the edge and at a site. */
export interface HttpErrorBody {
  error: WireError & { requestId?: string };
}

type Rule = readonly [match: string | RegExp, status: number];

/**
 * Exact codes first, then patterns, first match wins; an unknown code is a 500 (and its message is
 * not passed on).
 */
export const ERROR_STATUS_TABLE: readonly Rule[] = [
  [CommonErrorCode.VALIDATION_FAILED, 400],
  ['LEDGER.INVALID_INPUT', 400],
  [HttpErrorCode.BAD_REQUEST, 400],
  ['ACCOUNTS.WRONG_PASSWORD', 400],
  ['ACCOUNTS.WEAK_PASSWORD', 400],
  ['AUTH.LOGIN_THROTTLED', 429],
  ['AUTH.ORIGIN_REFUSED', 403],
  [CommonErrorCode.QUOTA_EXCEEDED, 429],
  [CommonErrorCode.DEADLINE_EXCEEDED, 504],
  [HttpErrorCode.RATE_LIMITED, 429],
  [HttpErrorCode.PAYLOAD_TOO_LARGE, 413],
  [HttpErrorCode.UNSUPPORTED_MEDIA_TYPE, 415],
  [HttpErrorCode.NOT_FOUND, 404],
  [HttpErrorCode.HEADERS_TOO_LARGE, 431],
  [HttpErrorCode.REQUEST_TIMEOUT, 408],
  [PaginationErrorCode.CURSOR_INVALID, 400],
  [IdempotencyErrorCode.KEY_INVALID, 400],
  [IdempotencyErrorCode.KEY_REUSED, 422],
  [IdempotencyErrorCode.IN_FLIGHT, 409],
  [EventFeedErrorCode.LAST_EVENT_ID_INVALID, 400],
  ['LEDGER.ACTOR_REQUIRED', 401],
  ['LEDGER.ORGANISATION_REQUIRED', 403],
  ['LEDGER.ORGANISATION_NOT_MEMBER', 403],
  ['LEDGER.NODE_MISMATCH', 403],
  ['CONSORTIUM.NOT_GOVERNOR', 403],
  ['MEMBER.MSP_MISMATCH', 403],
  ['MEMBER.NOT_ACTIVE', 409],
  [CommonErrorCode.TIMEOUT, 504],
  [CommonErrorCode.NO_RESPONDERS, 503],
  [CommonErrorCode.UNAVAILABLE, 503],
  ['LEDGER.UNAVAILABLE', 503],
  [CommonErrorCode.MALFORMED_MESSAGE, 502],
  // Grant refusals (the ledger's codes, also raised by the aggregation service before any site is asked).
  ['ACCESS.NOT_GRANTED', 403],
  ['ACCESS.OUT_OF_SCOPE', 403],
  ['ACCESS.EXPIRED', 403],
  ['ACCESS.REVOKED', 403],
  ['ACCESS.VERSION_NOT_COVERED', 403],
  ['DATASET.DELETED', 409],
  ['DATASET.TAMPERED', 409],
  // A dataset's state on the ledger and at its site disagree with the call (a release in flight, another version).
  ['DATASET.NOT_RELEASED', 409],
  ['DATASET.VERSION_MISMATCH', 409],
  ['DATASET.VERSION_CONFLICT', 409],
  ['DATASET.HASH_MISMATCH', 409],
  // The data market and access decisions (authorization service; SCOPE_WIDENED is also the chaincode's).
  ['ACCESS.DATASET_CLOSED', 403],
  ['ACCESS.INVALID_REQUEST', 400],
  ['ACCESS.SCOPE_WIDENED', 400],
  ['ACCESS.SCOPE_INCOMPLETE', 400],
  // Analyses (aggregation service).
  ['ANALYSIS.REQUEST_INVALID', 400],
  ['ANALYSIS.CHART_UNAVAILABLE', 400],
  ['ANALYSIS.NODE_UNKNOWN', 409],
  ['ANALYSIS.DP_STATISTIC_UNAVAILABLE', 400],
  ['ANALYSIS.MIXED_PRIVACY_MODES', 400],
  // The privacy budget (the chaincode's accountant). Spent is a state of the grant, not a rate: 409,
  // not 429, since waiting does not bring it back; only the owner can (a new grant).
  ['BUDGET.EXHAUSTED', 409],
  ['BUDGET.INVALID', 400],
  ['BUDGET.NOT_DP', 409],
  ['BUDGET.RESERVATION_MISMATCH', 409],
  ['COMMIT.KEY_USED', 409],
  ['COMMIT.KEY_NOT_FOUND', 404],
  ['BUDGET.RESERVATION_CLOSED', 409],
  ['ANALYSIS.SITE_FAILED', 502],
  ['ANALYSIS.SITE_SIGNATURE_INVALID', 502],
  ['ANALYSIS.SITE_RESPONSE_MISMATCH', 502],
  ['ANALYSIS.SITE_POLICY_BELOW_FLOOR', 502],
  ['ANALYSIS.SITE_UNREACHABLE', 503],
  ['ANALYSIS.SITE_TIMEOUT', 504],
  // Federated modelling (issue 16): a malformed request is the caller's; a disclosure refusal is a
  // well-formed request the data cannot answer without exposing a few records.
  [ModellingErrorCode.REQUEST_INVALID, 400],
  [ModellingErrorCode.UNKNOWN_COLUMN, 400],
  [ModellingErrorCode.TYPE_MISMATCH, 400],
  [ModellingErrorCode.TOO_LARGE, 400],
  [ModellingErrorCode.SINGULAR, 422],
  // The session is a state of the site (closed, expired, lost on restart): open a new one.
  [ModellingErrorCode.SESSION_UNKNOWN, 409],
  [ModellingErrorCode.SESSIONS_FULL, 503],
  [ModellingErrorCode.DP_UNSUPPORTED, 400],
  [ModellingErrorCode.SUBSET_TOO_SMALL, 422],
  [ModellingErrorCode.COMPLEMENT_TOO_SMALL, 422],
  [ModellingErrorCode.TOO_MANY_PARAMETERS, 422],
  [ModellingErrorCode.RARE_LEVEL, 422],
  // A storage site's local API (uploads, downloads, audits by the institution's own staff).
  [StorageErrorCode.CSV_INVALID, 422],
  [StorageErrorCode.PARQUET_INVALID, 422],
  [StorageErrorCode.TOO_LARGE, 413],
  [StorageErrorCode.UNSUPPORTED_MEDIA_TYPE, 415],
  [StorageErrorCode.REQUEST_INVALID, 400],
  [StorageErrorCode.UPLOAD_ABORTED, 400],
  [StorageErrorCode.COLUMN_UNKNOWN, 400],
  [StorageErrorCode.IO_FAILED, 507],
  [StorageErrorCode.FILE_UNREADABLE, 500],
  [StorageErrorCode.BUSY, 503],
  [StorageErrorCode.DP_STATISTIC_UNAVAILABLE, 400],
  [StorageErrorCode.DP_NO_GRID, 409],
  [/^AUTH\./, 401],
  [/(\.|_)FORBIDDEN$|\.NOT_OWNER$|\.REQUESTER_MISMATCH$/, 403],
  [/(\.|_)NOT_FOUND$/, 404],
  [/(\.|_)(ALREADY_EXISTS|ALREADY_DECIDED|ALREADY_APPLIED|TAKEN|CONFLICT|INVALID_STATE)$/, 409],
];

/** The HTTP status of an error code, from {@link ERROR_STATUS_TABLE}. */
export function httpStatusFor(code: string): number {
  for (const [match, status] of ERROR_STATUS_TABLE) {
    if (typeof match === 'string' ? match === code : match.test(code)) return status;
  }
  return 500;
}
