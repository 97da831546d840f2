import { AuthorizationErrorCode, LedgerChaincodeErrorCode } from '@phdmf/contracts';
import { httpStatusFor } from './error-status';

describe('the error-code → HTTP status table', () => {
  it.each([
    ['VALIDATION.FAILED', 400],
    ['AUTH.TOKEN_INVALID', 401],
    ['AUTH.TOKEN_EXPIRED', 401],
    ['AUTH.REFRESH_REUSED', 401],
    ['AUTH.LOGIN_THROTTLED', 429],
    ['ACCOUNTS.FORBIDDEN', 403],
    ['NODE_REGISTRY.FORBIDDEN', 403],
    ['EDGE.FORBIDDEN', 403],
    ['ACCESS.NOT_OWNER', 403],
    ['NODE_REGISTRY.APPLICATION_NOT_FOUND', 404],
    ['MEMBER.NOT_FOUND', 404],
    ['ACCOUNTS.EMAIL_TAKEN', 409],
    ['MEMBER.ALREADY_EXISTS', 409],
    ['NODE_REGISTRY.ALREADY_DECIDED', 409],
    ['LEDGER.MVCC_CONFLICT', 409],
    ['MESSAGING.TIMEOUT', 504],
    ['MESSAGING.NO_RESPONDERS', 503],
    ['HTTP.PAYLOAD_TOO_LARGE', 413],
    ['ACCESS.NOT_GRANTED', 403],
    ['ACCESS.OUT_OF_SCOPE', 403],
    ['ACCESS.EXPIRED', 403],
    ['ACCESS.REVOKED', 403],
    ['DATASET.TAMPERED', 409],
    ['ANALYSIS.NOT_FOUND', 404],
    ['ANALYSIS.REQUEST_INVALID', 400],
    ['ANALYSIS.CHART_UNAVAILABLE', 400],
    ['ANALYSIS.SITE_SIGNATURE_INVALID', 502],
    ['ANALYSIS.SITE_RESPONSE_MISMATCH', 502],
    ['ANALYSIS.SITE_FAILED', 502],
    ['ANALYSIS.SITE_UNREACHABLE', 503],
    ['ANALYSIS.SITE_TIMEOUT', 504],
    ['INTERNAL.UNEXPECTED', 500],
    ['SOMETHING.NEW', 500],
  ])('%s → %i', (code, status) => {
    expect(httpStatusFor(code)).toBe(status);
  });
});

describe('the authorization service\'s codes', () => {
  // Every code the service answers with, and the chaincode's codes its decisions pass through: each
  // has a status of its own, never the 500 of an unknown code.
  const expected: Record<string, number> = {
    [AuthorizationErrorCode.UNAUTHENTICATED]: 401,
    [AuthorizationErrorCode.FORBIDDEN]: 403,
    [AuthorizationErrorCode.DATASET_NOT_FOUND]: 404,
    [AuthorizationErrorCode.DATASET_CLOSED]: 403,
    [AuthorizationErrorCode.DATASET_DELETED]: 409,
    [AuthorizationErrorCode.REQUEST_NOT_FOUND]: 404,
    [AuthorizationErrorCode.INVALID_STATE]: 409,
    [AuthorizationErrorCode.INVALID_REQUEST]: 400,
    [AuthorizationErrorCode.SCOPE_INCOMPLETE]: 400,
    [LedgerChaincodeErrorCode.AccessScopeWidened]: 400,
    [LedgerChaincodeErrorCode.AccessNotOwner]: 403,
    [LedgerChaincodeErrorCode.DatasetNotFound]: 404,
  };

  it('maps each of them', () => {
    for (const code of Object.values(AuthorizationErrorCode)) expect(code in expected).toBe(true);
    for (const [code, status] of Object.entries(expected)) expect([code, httpStatusFor(code)]).toEqual([code, status]);
  });
});
