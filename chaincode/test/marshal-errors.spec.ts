import './support/quiet';
import { ChaincodeError, ChaincodeErrorCode, ChaincodeEvent, marshal, parseChaincodeError, parseIsoTime, unmarshal } from '../src';

describe('marshal / unmarshal', () => {
  it('sorts keys recursively and drops undefined members', () => {
    expect(marshal({ b: 1, a: { d: [{ z: 1, y: undefined, x: 'x' }], c: null } })).toBe('{"a":{"c":null,"d":[{"x":"x","z":1}]},"b":1}');
  });

  it('is independent of insertion order', () => {
    expect(marshal({ x: 1, y: 2 })).toBe(marshal({ y: 2, x: 1 }));
  });

  it('keeps a member named __proto__ as data', () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as unknown;
    expect(marshal(value)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => marshal({ n: Number.NaN })).toThrow('$.n is not a finite number');
    expect(() => marshal({ f: () => 1 })).toThrow('unsupported type function');
    expect(() => marshal({ b: 1n })).toThrow('unsupported type bigint');
  });

  it('names the first offending member in sorted-key order, inside arrays too', () => {
    expect(() => marshal({ z: Number.NaN, a: [1, { c: 'ok', b: Number.POSITIVE_INFINITY }] })).toThrow(/^marshal: \$\.a\[1\]\.b is not a finite number$/);
    expect(() => marshal([undefined, { s: Symbol('s') }])).toThrow('marshal: $[1].s has unsupported type symbol');
  });

  it('round-trips through bytes and strings', () => {
    const value = { b: [1, 'two', { c: true }], a: 'é' };
    expect(unmarshal(Buffer.from(marshal(value)))).toEqual(value);
    expect(unmarshal(new Uint8Array(Buffer.from(marshal(value))))).toEqual(value);
    expect(unmarshal(marshal(value))).toEqual(value);
  });
});

describe('ChaincodeError / parseChaincodeError', () => {
  it('carries exactly JSON.stringify({ code, message }) as its message', () => {
    const error = new ChaincodeError(ChaincodeErrorCode.DatasetNotFound, 'dataset "x" does not exist');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(JSON.stringify({ code: 'DATASET.NOT_FOUND', message: 'dataset "x" does not exist' }));
    expect(error.code).toBe('DATASET.NOT_FOUND');
    expect(error.detail).toBe('dataset "x" does not exist');
  });

  it('parses the bare message and a message wrapped by a client library', () => {
    const error = new ChaincodeError(ChaincodeErrorCode.AccessNotOwner, 'braces } and { inside');
    const expected = { code: 'ACCESS.NOT_OWNER', message: 'braces } and { inside' };
    expect(parseChaincodeError(error.message)).toEqual(expected);
    expect(parseChaincodeError(`10 ABORTED: failed to endorse transaction, see attached details: chaincode response 500, ${error.message}`)).toEqual(expected);
    expect(parseChaincodeError(`error in simulation: ${error.message} (peer0.hospital-a)`)).toEqual(expected);
  });

  it('returns undefined for anything that is not a coded error', () => {
    expect(parseChaincodeError('MVCC_READ_CONFLICT')).toBeUndefined();
    expect(parseChaincodeError('{"code":42,"message":"x"}')).toBeUndefined();
    expect(parseChaincodeError('{"code":"X" truncated')).toBeUndefined();
  });

  it('uses dotted upper-case codes with unique values', () => {
    const codes = Object.values(ChaincodeErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[A-Z]+\.[A-Z_]+$/);
    const events = Object.entries(ChaincodeEvent);
    for (const [k, v] of events) expect(k).toBe(v);
  });
});

describe('parseIsoTime', () => {
  it.each([
    ['2030-01-01T00:00:00Z', Date.UTC(2030, 0, 1)],
    ['2030-01-01T00:00:00.123456789Z', Date.UTC(2030, 0, 1, 0, 0, 0, 123)],
    ['2030-01-01T01:30:00+01:30', Date.UTC(2030, 0, 1)],
    ['2029-12-31T19:00:00-05:00', Date.UTC(2030, 0, 1)],
    ['2028-02-29T00:00:00Z', Date.UTC(2028, 1, 29)],
  ])('parses %s', (text, ms) => {
    expect(parseIsoTime(text)).toBe(ms);
  });

  it.each(['2030-01-01', '2030-01-01T00:00:00', '2029-02-29T00:00:00Z', '2030-13-01T00:00:00Z', '2030-01-01T24:00:00Z', '2030-01-01T00:00:00+25:00', ' 2030-01-01T00:00:00Z'])(
    'rejects %s',
    (text) => {
      expect(parseIsoTime(text)).toBeUndefined();
    },
  );
});
