// PHDMF's one canonical JSON (chaincode/src/canonical-json.ts): RFC 8785 conformance, how JavaScript
// values become JSON (pinned), and why replacing the three former encoders by it changes no hash or
// signature that exists: on the data they cover, all four write the same bytes.
import './support/quiet';
import { createHash } from 'node:crypto';
import { canonicalJson, CanonicalJsonError } from '../src/canonical-json';
import { marshal } from '../src';
import { formerContracts, formerEmbedded, formerMarshal } from './support/former-canonical-json';

describe('canonicalJson: RFC 8785 (JCS)', () => {
  it('writes the example of RFC 8785 §3.2.4 byte for byte', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('orders keys by UTF-16 code units, as RFC 8785 §3.2.3 does', () => {
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    const keys = Object.keys(JSON.parse(canonicalJson(input)) as object);
    // JSON.parse puts the array-index key "1" first again; read the order from the text instead.
    expect(keys).toContain('1');
    const text = canonicalJson(input);
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((key) => text.indexOf(JSON.stringify(key)));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // An array-index key is ordered as text too ("10" before "9"), not as the engine orders properties.
    expect(canonicalJson({ '9': 'b', '10': 'a', a: 'c' })).toBe('{"10":"a","9":"b","a":"c"}');
  });

  it('writes numbers as ECMAScript does (RFC 8785 §3.2.2.3, appendix B)', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [5e-324, '5e-324'],
      [-5e-324, '-5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [-1.7976931348623157e308, '-1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [-9007199254740992, '-9007199254740992'],
      [295147905179352830000, '295147905179352830000'],
      [9.999999999999997e22, '9.999999999999997e+22'],
      [1e23, '1e+23'],
      [1e21, '1e+21'],
      [999999999999999900000, '999999999999999900000'],
      [1e20, '100000000000000000000'],
      [0.000001, '0.000001'],
      [1e-7, '1e-7'],
      [9.999999999999997e-7, '9.999999999999997e-7'],
      [333333333.3333332, '333333333.3333332'],
      [0.1 + 0.2, '0.30000000000000004'],
    ];
    for (const [value, text] of cases) expect(canonicalJson(value)).toBe(text);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) expect(() => canonicalJson(bad)).toThrow(CanonicalJsonError);
  });

  it('escapes only what JSON must, with lowercase hex (RFC 8785 §3.2.2.2)', () => {
    expect(canonicalJson('\b\t\n\f\r"\\/')).toBe('"\\b\\t\\n\\f\\r\\"\\\\/"');
    expect(canonicalJson('\u0000\u001f\u007f')).toBe('"\\u0000\\u001f\u007f"');
    expect(canonicalJson('é€😀דּ')).toBe('"é€😀דּ"');
    // A lone surrogate is not I-JSON; it is written escaped, as JSON.stringify writes it (as before).
    expect(canonicalJson('a\ud800b')).toBe('"a\\ud800b"');
  });

  it('round-trips: parsing its output and encoding again gives the same bytes', () => {
    const value = { s: 'line\n"quoted" \u0000 \u{1F600} \ud800', n: -12, arr: [], obj: {}, deep: [{ z: null, y: [true, 1.5] }] };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });
});

describe('canonicalJson: JavaScript values (pinned, one rule for every caller)', () => {
  it('drops undefined members and writes undefined array elements as null', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
    expect(canonicalJson([1, undefined, 3])).toBe('[1,null,3]');
    // eslint-disable-next-line no-sparse-arrays -- a hole is an undefined element too
    expect(canonicalJson([1, , 3])).toBe('[1,null,3]');
  });

  it('writes a class instance (a payload class) as its own enumerable members', () => {
    class Column {
      constructor(
        readonly name: string,
        readonly count: number,
      ) {}
      get label(): string {
        return this.name;
      }
    }
    expect(canonicalJson({ columns: [new Column('age', 10)] })).toBe('{"columns":[{"count":10,"name":"age"}]}');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { b: 1, a: 2 }))).toBe('{"a":2,"b":1}');
  });

  it('keeps a member named __proto__ as data', () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"polluted":true},"a":1}'))).toBe('{"__proto__":{"polluted":true},"a":1}');
  });

  it('refuses values without one exact JSON form, naming where they are', () => {
    const refused: [unknown, string][] = [
      [{ n: Number.NaN }, '$.n is not a finite number'],
      [{ a: [1, { b: Number.POSITIVE_INFINITY }] }, '$.a[1].b is not a finite number'],
      [{ at: new Date(0) }, '$.at is a Date, not plain data'],
      [{ bytes: Buffer.from('x') }, '$.bytes is a Uint8Array, not plain data'],
      [new Uint8Array(2), '$ is a Uint8Array, not plain data'],
      [new Map([['a', 1]]), '$ is a Map, not plain data'],
      [new Set([1]), '$ is a Set, not plain data'],
      [/x/, '$ is a RegExp, not plain data'],
      [{ toJSON: () => 'x' }, '$ has a toJSON method, not plain data'],
      [{ b: 1n }, '$.b has unsupported type bigint'],
      [{ f: () => 1 }, '$.f has unsupported type function'],
      [[undefined, { s: Symbol('s') }], '$[1].s has unsupported type symbol'],
      [undefined, '$ has unsupported type undefined'],
    ];
    for (const [value, problem] of refused) {
      expect(() => canonicalJson(value)).toThrow(new CanonicalJsonError(problem));
      expect(() => canonicalJson(value)).toThrow(TypeError);
    }
    // The chaincode's marshal says the same, as its own error.
    expect(() => marshal({ at: new Date(0) })).toThrow(/^marshal: \$\.at is a Date, not plain data$/);
  });
});

// A seeded generator of JSON data (what a parsed block, a record or a summary body is).
function generator(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const KEYS = ['id', 'datasetId', 'nodeId', 'columns', 'name', 'count', 'mean', 'a', 'B', 'Z', '_', 'é', '€', '\ufb33', '\ud83d\ude00', '\r', 'x y', '$ref', 'v1', 'col-2'];
  const NUMBERS = [0, -0, 1, -1, 0.5, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, 123456789.123, 0.1 + 0.2, 2 ** 53];
  const STRINGS = ['', 'a', 'é€😀', '\u0000\u001f', '"\\/', 'line\nbreak', '\ud800', 'דּ'];
  const value = (depth: number): unknown => {
    const kind = depth > 3 ? Math.floor(next() * 4) : Math.floor(next() * 6);
    if (kind === 0) return pick(NUMBERS) * (next() < 0.5 ? 1 : -1);
    if (kind === 1) return pick(STRINGS);
    if (kind === 2) return pick([true, false, null]);
    if (kind === 3) return Math.floor(next() * 1e6);
    if (kind === 4) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    const out: Record<string, unknown> = {};
    for (let i = Math.floor(next() * 5); i > 0; i--) out[pick(KEYS)] = value(depth + 1);
    if (next() < 0.2) out['omitted'] = undefined;
    return out;
  };
  return () => value(0);
}

describe('one encoder instead of three: where the former ones differed, and why switching is safe', () => {
  it('writes what all three former encoders wrote for JSON data (records, summaries, parsed blocks)', () => {
    const next = generator(8785);
    for (let i = 0; i < 2000; i++) {
      const value = next();
      const text = canonicalJson(value);
      expect(formerMarshal(value)).toBe(text);
      expect(formerEmbedded(value)).toBe(text);
      expect(formerContracts(value)).toBe(text);
      // A stored block is checked by parsing and encoding again: same bytes as before.
      expect(formerEmbedded(JSON.parse(text))).toBe(canonicalJson(JSON.parse(text)));
    }
  });

  it('pins the inputs on which the former encoders differed', () => {
    // 'throws' where the encoder refused the input.
    const cases: { input: unknown; marshal: string; embedded: string; contracts: string; now: string }[] = [
      // undefined in an array: null, as the chaincode and contracts wrote it; the embedded ledger never stored one.
      { input: [undefined], marshal: '[null]', embedded: 'throws', contracts: '[null]', now: '[null]' },
      // Date, Buffer, Map: silently `{}` or index keys before, refused now; no hashed type holds one (ISO strings).
      { input: new Date(0), marshal: '{}', embedded: 'throws', contracts: '{}', now: 'throws' },
      { input: Buffer.from('ab'), marshal: '{"0":97,"1":98}', embedded: 'throws', contracts: '{"0":97,"1":98}', now: 'throws' },
      { input: new Map([['a', 1]]), marshal: '{}', embedded: 'throws', contracts: '{}', now: 'throws' },
      // A class instance: its members, as before in the chaincode and contracts; the embedded ledger never stored one.
      { input: new (class { a = 1 })(), marshal: '{"a":1}', embedded: 'throws', contracts: '{"a":1}', now: '{"a":1}' },
      // Array-index keys: the chaincode's JSON.stringify of a copy put them in numeric order first (not JCS).
      { input: { '10': 1, '9': 2 }, marshal: '{"9":2,"10":1}', embedded: '{"10":1,"9":2}', contracts: '{"10":1,"9":2}', now: '{"10":1,"9":2}' },
      { input: { '-': 1, '0': 2 }, marshal: '{"0":2,"-":1}', embedded: '{"-":1,"0":2}', contracts: '{"-":1,"0":2}', now: '{"-":1,"0":2}' },
    ];
    const run = (encode: (value: unknown) => string, value: unknown): string => {
      try {
        return encode(value);
      } catch {
        return 'throws';
      }
    };
    for (const c of cases) {
      expect({ marshal: run(formerMarshal, c.input), embedded: run(formerEmbedded, c.input), contracts: run(formerContracts, c.input), now: run(canonicalJson, c.input) }).toEqual({
        marshal: c.marshal,
        embedded: c.embedded,
        contracts: c.contracts,
        now: c.now,
      });
    }
  });

  it('keeps existing hashes and signatures (the chaincode\'s own data: determinism.spec.ts)', () => {
    // A summary's signed bytes and a result hash, pinned: these values are signed and recorded today.
    const summary = { nodeId: 'node-a', datasetId: 'ds-1', version: 2, columns: [{ name: 'age', count: 10, mean: 41.5 }, { name: 'bmi', count: 9, mean: -0 }] };
    expect(createHash('sha256').update(canonicalJson(summary)).digest('hex')).toBe(createHash('sha256').update(formerContracts(summary)).digest('hex'));
    expect(canonicalJson(summary)).toBe('{"columns":[{"count":10,"mean":41.5,"name":"age"},{"count":9,"mean":0,"name":"bmi"}],"datasetId":"ds-1","nodeId":"node-a","version":2}');
  });
});
