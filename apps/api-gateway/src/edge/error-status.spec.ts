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
    ['INTERNAL.UNEXPECTED', 500],
    ['SOMETHING.NEW', 500],
  ])('%s → %i', (code, status) => {
    expect(httpStatusFor(code)).toBe(status);
  });
});
