import { CommonErrorCode } from '@phdmf/contracts';

/** Codes the edge itself raises (besides the services' own). */
export const EdgeErrorCode = {
  /** Role or organisation check at the edge failed. */
  FORBIDDEN: 'EDGE.FORBIDDEN',
  NOT_FOUND: 'HTTP.NOT_FOUND',
  BAD_REQUEST: 'HTTP.BAD_REQUEST',
  PAYLOAD_TOO_LARGE: 'HTTP.PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'HTTP.UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED: 'HTTP.RATE_LIMITED',
} as const;

type Rule = readonly [match: string | RegExp, status: number];

/**
 * THE table from error codes to HTTP statuses: every error answered by the edge gets its status
 * here, and nowhere else. Exact codes first, then patterns, first match wins; an unknown code is a
 * 500 (and its message is not passed on).
 */
export const ERROR_STATUS_TABLE: readonly Rule[] = [
  [CommonErrorCode.VALIDATION_FAILED, 400],
  ['LEDGER.INVALID_INPUT', 400],
  [EdgeErrorCode.BAD_REQUEST, 400],
  ['ACCOUNTS.WRONG_PASSWORD', 400],
  ['ACCOUNTS.WEAK_PASSWORD', 400],
  ['AUTH.LOGIN_THROTTLED', 429],
  [CommonErrorCode.QUOTA_EXCEEDED, 429],
  [CommonErrorCode.DEADLINE_EXCEEDED, 504],
  [EdgeErrorCode.RATE_LIMITED, 429],
  [EdgeErrorCode.PAYLOAD_TOO_LARGE, 413],
  [EdgeErrorCode.UNSUPPORTED_MEDIA_TYPE, 415],
  [EdgeErrorCode.NOT_FOUND, 404],
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
  ['STORAGE.BUSY', 503],
  [CommonErrorCode.MALFORMED_MESSAGE, 502],
  // Grant refusals (the ledger's codes, also raised by the aggregation service before any site is asked).
  ['ACCESS.NOT_GRANTED', 403],
  ['ACCESS.OUT_OF_SCOPE', 403],
  ['ACCESS.EXPIRED', 403],
  ['ACCESS.REVOKED', 403],
  ['DATASET.DELETED', 409],
  ['DATASET.TAMPERED', 409],
  // The data market and access decisions (authorization service; SCOPE_WIDENED is also the chaincode's).
  ['ACCESS.DATASET_CLOSED', 403],
  ['ACCESS.INVALID_REQUEST', 400],
  ['ACCESS.SCOPE_WIDENED', 400],
  ['ACCESS.SCOPE_INCOMPLETE', 400],
  // Analyses (aggregation service).
  ['ANALYSIS.REQUEST_INVALID', 400],
  ['ANALYSIS.CHART_UNAVAILABLE', 400],
  ['ANALYSIS.NODE_UNKNOWN', 409],
  ['ANALYSIS.SITE_FAILED', 502],
  ['ANALYSIS.SITE_SIGNATURE_INVALID', 502],
  ['ANALYSIS.SITE_RESPONSE_MISMATCH', 502],
  ['ANALYSIS.SITE_UNREACHABLE', 503],
  ['ANALYSIS.SITE_TIMEOUT', 504],
  [/^AUTH\./, 401],
  [/(\.|_)FORBIDDEN$|\.NOT_OWNER$/, 403],
  [/(\.|_)NOT_FOUND$/, 404],
  [/(\.|_)(ALREADY_EXISTS|ALREADY_DECIDED|ALREADY_APPLIED|TAKEN|CONFLICT|INVALID_STATE)$/, 409],
];

export function httpStatusFor(code: string): number {
  for (const [match, status] of ERROR_STATUS_TABLE) {
    if (typeof match === 'string' ? match === code : match.test(code)) return status;
  }
  return 500;
}
