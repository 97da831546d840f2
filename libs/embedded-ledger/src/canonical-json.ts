// Canonical JSON: object keys sorted (by UTF-16 code units, as RFC 8785 does), no whitespace,
// strings and numbers exactly as JSON.stringify writes them. One value has exactly one
// serialisation, so hashes over it are reproducible and a stored block can be checked by parsing
// its bytes and serialising them again: any changed byte either breaks parsing, changes the
// canonical form, or changes a value that a hash or signature covers.
//
// Only plain data is accepted. Buffers, Dates, class instances, undefined inside arrays and
// non-finite numbers are rejected instead of silently taking JSON.stringify's lossy path, so a
// programming mistake cannot put an unverifiable value into a block.

export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonical JSON cannot encode the number ${String(value)}`);
      }
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) {
        return 'null';
      }
      if (Array.isArray(value)) {
        return encodeArray(value);
      }
      return encodeObject(value);
    default:
      throw new TypeError(`canonical JSON cannot encode a value of type ${typeof value}`);
  }
}

function encodeArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (item === undefined) {
      throw new TypeError('canonical JSON cannot encode undefined array elements');
    }
    out += (i === 0 ? '' : ',') + canonicalJson(item);
  }
  return out + ']';
}

function encodeObject(obj: object): string {
  const proto: unknown = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError('canonical JSON encodes plain objects only');
  }
  const record = obj as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    // Like JSON.stringify, an undefined member is absent (optional fields).
    if (member === undefined) {
      continue;
    }
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(member);
    first = false;
  }
  return out + '}';
}
