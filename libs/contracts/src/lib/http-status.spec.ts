import { ModellingErrorCode } from '../modelling/errors';
import { StorageErrorCode } from '../storage/lib/errors';
import { HTTP_LAYER_ERRORS, httpStatusFor } from './http-status';

describe('the one error-code → HTTP status table', () => {
  it("gives each of a storage site's codes its status (the site's local API answers with them)", () => {
    const expected: Record<StorageErrorCode, number> = {
      [StorageErrorCode.DATASET_NOT_FOUND]: 404,
      [StorageErrorCode.DATASET_NOT_RELEASED]: 409,
      [StorageErrorCode.DATASET_TAMPERED]: 409,
      [StorageErrorCode.DATASET_VERSION_MISMATCH]: 409,
      [StorageErrorCode.CSV_INVALID]: 422,
      [StorageErrorCode.PARQUET_INVALID]: 422,
      [StorageErrorCode.TOO_LARGE]: 413,
      [StorageErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
      [StorageErrorCode.UPLOAD_ABORTED]: 400,
      [StorageErrorCode.COLUMN_UNKNOWN]: 400,
      [StorageErrorCode.REQUEST_INVALID]: 400,
      [StorageErrorCode.FORBIDDEN]: 403,
      [StorageErrorCode.REQUESTER_MISMATCH]: 403,
      [StorageErrorCode.FILE_UNREADABLE]: 500,
      [StorageErrorCode.IO_FAILED]: 507,
      [StorageErrorCode.BUSY]: 503,
      [StorageErrorCode.DP_STATISTIC_UNAVAILABLE]: 400,
      [StorageErrorCode.DP_NO_GRID]: 409,
    };
    for (const [code, status] of Object.entries(expected)) expect([code, httpStatusFor(code)]).toEqual([code, status]);
  });

  it('answers a spent privacy budget 409: a state of the grant that waiting does not change (not 429)', () => {
    expect(httpStatusFor('BUDGET.EXHAUSTED')).toBe(409);
    expect(httpStatusFor('ANALYSIS.DP_STATISTIC_UNAVAILABLE')).toBe(400);
    expect(httpStatusFor('BUDGET.INVALID')).toBe(400);
  });

  it("gives each of the modelling's codes its status: a malformed request 400, a disclosure refusal 422", () => {
    const expected: Record<ModellingErrorCode, number> = {
      [ModellingErrorCode.REQUEST_INVALID]: 400,
      [ModellingErrorCode.UNKNOWN_COLUMN]: 400,
      [ModellingErrorCode.TYPE_MISMATCH]: 400,
      [ModellingErrorCode.TOO_LARGE]: 400,
      [ModellingErrorCode.SINGULAR]: 422,
      [ModellingErrorCode.SUBSET_TOO_SMALL]: 422,
      [ModellingErrorCode.COMPLEMENT_TOO_SMALL]: 422,
      [ModellingErrorCode.TOO_MANY_PARAMETERS]: 422,
      [ModellingErrorCode.RARE_LEVEL]: 422,
      [ModellingErrorCode.SESSION_UNKNOWN]: 409,
      [ModellingErrorCode.SESSIONS_FULL]: 503,
      [ModellingErrorCode.DP_UNSUPPORTED]: 400,
    };
    for (const [code, status] of Object.entries(expected)) expect([code, httpStatusFor(code)]).toEqual([code, status]);
  });

  it('gives each HTTP-layer failure the status it stands for', () => {
    for (const [status, error] of Object.entries(HTTP_LAYER_ERRORS)) expect(httpStatusFor(error.code)).toBe(Number(status));
  });
});
