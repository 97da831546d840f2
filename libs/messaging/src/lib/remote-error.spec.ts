import { PhdmfError } from '@phdmf/contracts';
import { toWireError } from './remote-error';

describe('toWireError', () => {
  it('keeps the code of a coded error and of a wire error', () => {
    expect(toWireError(new PhdmfError('DATASET.NOT_FOUND', 'No such dataset'))).toEqual({ code: 'DATASET.NOT_FOUND', message: 'No such dataset' });
    expect(toWireError({ code: 'ACCESS.NOT_GRANTED', message: 'no' })).toEqual({ code: 'ACCESS.NOT_GRANTED', message: 'no' });
  });

  it('does not take a driver\'s own code for a wire code (the REST edge would pass it on)', () => {
    const sqlite = Object.assign(new Error('unrecognized token: "\'a"'), { code: 'SQLITE_ERROR' });
    const socket = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect([toWireError(sqlite).code, toWireError(socket).code]).toEqual(['INTERNAL.UNEXPECTED', 'INTERNAL.UNEXPECTED']);
  });
});
