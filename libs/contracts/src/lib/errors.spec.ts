import { LedgerErrorCode, ledgerUnavailable } from '../ledger/lib/errors';
import { CommonErrorCode, PhdmfError } from './errors';

describe('PhdmfError', () => {
  it('keeps the error it stands for as its cause, for the logs, and never puts it on the wire', () => {
    const driver = Object.assign(new Error('SQLITE_BUSY: database is locked at /var/lib/site/storage.db'), { code: 'SQLITE_BUSY' });
    const error = new PhdmfError(CommonErrorCode.INTERNAL, 'the store is busy', { retryAfterSeconds: 1 }, { cause: driver });
    expect(error.cause).toBe(driver);
    expect(error.toWire()).toEqual({ code: CommonErrorCode.INTERNAL, message: 'the store is busy', details: { retryAfterSeconds: 1 } });
    expect(JSON.stringify(error.toWire())).not.toContain('SQLITE');
  });

  it('LEDGER.UNAVAILABLE made from a timeout keeps the timeout as its cause, and its code in details', () => {
    const timeout = new PhdmfError(CommonErrorCode.TIMEOUT, 'No reply on phdmf.ledger.cmd.record-analysis.v1 within 500 ms');
    const unavailable = ledgerUnavailable(timeout, 'run it again');
    expect(unavailable).toBeInstanceOf(PhdmfError);
    expect(unavailable).toMatchObject({ code: LedgerErrorCode.UNAVAILABLE, details: { retryable: true, cause: CommonErrorCode.TIMEOUT } });
    expect((unavailable as PhdmfError).cause).toBe(timeout);
  });
});
