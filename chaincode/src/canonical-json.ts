// The one canonical JSON of PHDMF (RFC 8785, JSON Canonicalization Scheme). Every hash and signature
// rests on it: the chaincode's state, events and results (`marshal`), the embedded ledger's blocks,
// a storage site's signed summaries, the result hash the ledger records, request ids. It lives in the
// chaincode because the chaincode is deployed on its own (fabric-chaincode-node loads chaincode/dist,
// built from chaincode/src alone), and the services import this file (`@phdmf/chaincode/canonical-json`)
// rather than keep copies. It imports nothing, so importing it loads nothing else.
//
// JCS on I-JSON input: object keys sorted by UTF-16 code units at every depth, no whitespace, strings and
// numbers exactly as ECMAScript's JSON.stringify writes them (numbers by Number::toString: -0 is 0, 1e21
// is 1e+21). Beyond JCS, which only says how to write JSON values, this decides how JavaScript values
// become JSON, once for every caller, the way the callers' data already was:
// - an `undefined` member is absent (optional fields), `undefined` in an array is `null`;
// - class instances (payload classes) are their own enumerable members, like plain objects;
// - values without one exact JSON form are refused with a TypeError naming where they are: non-finite
//   numbers, bigint, functions, symbols, `undefined` on its own, and objects that are not plain data
//   (Date, Buffer and typed arrays, Map, Set, RegExp, anything with `toJSON`). JSON.stringify would
//   write a Date as a string, a Map as `{}`: a refused value cannot silently enter a hash.
// A string with a lone surrogate (not I-JSON) is written with the surrogate escaped, as JSON.stringify does.

// The encoder builds no member paths (a path per value was a fifth of marshal's cost on the ledger's hot
// path). A value it cannot encode is rare, so only then is the value walked again, by `firstProblem`,
// to name where it is. One preallocated sentinel: no stack is captured per failure.
const UNENCODABLE = new Error('canonical JSON: a value JSON cannot carry');

/** Thrown for a value without one exact JSON form; `problem` says where and why (`$.a[1].b is ...`). */
export class CanonicalJsonError extends TypeError {
  constructor(readonly problem: string) {
    super(`canonical JSON: ${problem}`);
    this.name = 'CanonicalJsonError';
  }
}

/** The RFC 8785 (JCS) serialisation of a value: one value, one string (see the file's comment). */
export function canonicalJson(value: unknown): string {
  try {
    return encode(value);
  } catch (error) {
    if (error !== UNENCODABLE) throw error;
    throw new CanonicalJsonError(firstProblem(value, '$') ?? '$ cannot be encoded');
  }
}

function encode(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw UNENCODABLE;
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let index = 0; index < value.length; index++) {
          const item: unknown = value[index];
          out += (index === 0 ? '' : ',') + (item === undefined ? 'null' : encode(item));
        }
        return out + ']';
      }
      if (!isPlainData(value)) throw UNENCODABLE;
      const record = value as Record<string, unknown>;
      let out = '{';
      let first = true;
      // Array.prototype.sort without a comparator orders by UTF-16 code units, as RFC 8785 §3.2.3 asks.
      for (const key of Object.keys(record).sort()) {
        const member = record[key];
        if (member === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(key) + ':' + encode(member);
        first = false;
      }
      return out + '}';
    }
    default:
      throw UNENCODABLE;
  }
}

// Plain objects, null-prototype objects and class instances say "[object Object]"; Date, Map, Set,
// RegExp, Buffer and typed arrays, boxed primitives, errors and promises do not. An object with its own
// `toJSON` means to be written as something else than its members.
function isPlainData(value: object): boolean {
  return Object.prototype.toString.call(value) === '[object Object]' && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** Where, in the order `encode` walks, the first value without a JSON form is, and why. */
function firstProblem(value: unknown, path: string): string | undefined {
  if (value === null) return undefined;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is not a finite number`;
    case 'object': {
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index++) {
          const item: unknown = value[index];
          const problem = item === undefined ? undefined : firstProblem(item, `${path}[${index}]`);
          if (problem !== undefined) return problem;
        }
        return undefined;
      }
      if (!isPlainData(value)) {
        const kind = Object.prototype.toString.call(value).slice(8, -1);
        return kind === 'Object' ? `${path} has a toJSON method, not plain data` : `${path} is a ${kind}, not plain data`;
      }
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record).sort()) {
        const member = record[key];
        const problem = member === undefined ? undefined : firstProblem(member, `${path}.${key}`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      return `${path} has unsupported type ${typeof value}`;
  }
}
