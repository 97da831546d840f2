// Every byte the chaincode writes (state, events, results) goes through this one pair, so endorsing
// peers produce identical read-write sets: keys are sorted recursively, undefined members are dropped
// and non-JSON values are refused rather than silently converted.

function canonical(value: unknown, path: string): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`marshal: ${path} is not a finite number`);
      return value;
    case 'object': {
      if (Array.isArray(value)) {
        return value.map((item: unknown, index) => (item === undefined ? null : canonical(item, `${path}[${index}]`)));
      }
      const source = value as Record<string, unknown>;
      // A null prototype, so a member named "__proto__" stays data.
      const sorted = Object.create(null) as Record<string, unknown>;
      for (const key of Object.keys(source).sort()) {
        const member = source[key];
        if (member !== undefined) sorted[key] = canonical(member, `${path}.${key}`);
      }
      return sorted;
    }
    default:
      throw new TypeError(`marshal: ${path} has unsupported type ${typeof value}`);
  }
}

/** Serialises a value as JSON with recursively sorted object keys (deterministic across peers). */
export function marshal(value: unknown): string {
  return JSON.stringify(canonical(value, '$'));
}

/** Parses JSON produced by {@link marshal} (bytes from the ledger or a string). */
export function unmarshal(data: Uint8Array | string): unknown {
  const text = typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  return JSON.parse(text) as unknown;
}

/** {@link marshal} encoded as UTF-8 bytes, for putState and setEvent. */
export function toBytes(value: unknown): Uint8Array {
  return Buffer.from(marshal(value), 'utf8');
}
