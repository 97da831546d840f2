// Fabric's key encoding, copied in behaviour (and error messages) from fabric-shim's stub, so that
// chaincode sees the same keys and the same failures here as on a peer.
// Composite key: U+0000 objectType U+0000 attr1 U+0000 attr2 U+0000 ...

export const COMPOSITE_KEY_NAMESPACE = '\u0000';
export const MIN_UNICODE_RUNE = '\u0000';
export const MAX_UNICODE_RUNE = '\u{10ffff}';
/** What an empty start key of getStateByRange becomes: it skips the composite key namespace. */
export const EMPTY_KEY_SUBSTITUTE = '\u0001';

function validateCompositeKeyAttribute(attr: unknown): void {
  if (typeof attr !== 'string' || attr.length === 0) {
    throw new Error('object type or attribute not a non-zero length string');
  }
}

export function createCompositeKey(objectType: string, attributes: readonly string[]): string {
  validateCompositeKeyAttribute(objectType);
  // Chaincode is JavaScript at run time; keep fabric-shim's check despite the type.
  const untyped: unknown = attributes;
  if (!Array.isArray(untyped)) {
    throw new Error('attributes must be an array');
  }
  let key = COMPOSITE_KEY_NAMESPACE + objectType + MIN_UNICODE_RUNE;
  for (const attribute of attributes) {
    validateCompositeKeyAttribute(attribute);
    key += attribute + MIN_UNICODE_RUNE;
  }
  return key;
}

export function splitCompositeKey(compositeKey: string): { objectType: string; attributes: string[] } {
  // fabric-shim returns objectType null for a key that is not composite; keep that behaviour
  // even though fabric-shim-api's type says string.
  const result = { objectType: null as unknown as string, attributes: [] as string[] };
  if (compositeKey.length > 1 && compositeKey.startsWith(COMPOSITE_KEY_NAMESPACE)) {
    const parts = compositeKey.substring(1).split(MIN_UNICODE_RUNE);
    result.objectType = parts[0] ?? '';
    parts.pop();
    if (parts.length > 1) {
      parts.shift();
      result.attributes = parts;
    }
  }
  return result;
}

/** Simple keys (and range bounds) must not start in the composite key namespace. */
export function validateSimpleKeys(...keys: string[]): void {
  for (const key of keys) {
    if (key.startsWith(COMPOSITE_KEY_NAMESPACE)) {
      throw new Error(`first character of the key [${key}] contains a null character which is not allowed`);
    }
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Keys written to state must be non-empty, valid UTF-8 (the peer rejects anything else; here a
 * lone surrogate would silently turn into U+FFFD on its way into SQLite and alias another key).
 */
export function validateWriteKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new Error('key must not be an empty string');
  }
  if (LONE_SURROGATE.test(key)) {
    throw new Error(`invalid key [${Buffer.from(key).toString('hex')}], must be a UTF-8 string`);
  }
}
