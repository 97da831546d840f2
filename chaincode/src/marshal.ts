// Every byte the chaincode writes (state, events, results) goes through this one pair, so endorsing
// peers produce identical read-write sets: keys are sorted recursively, undefined members are dropped
// and non-JSON values are refused rather than silently converted.

// The walk builds no paths: a member path per value was a fifth of marshal's cost on the ledger's
// hot path. A value it cannot serialise is rare, so only then is the value walked again, by
// `firstProblem`, to name where it is. One preallocated instance: no stack is captured per failure.
const UNSERIALISABLE = new Error('marshal: a value JSON cannot carry');

function canonical(value: unknown): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw UNSERIALISABLE;
      return value;
    case 'object': {
      if (Array.isArray(value)) {
        return value.map((item: unknown) => (item === undefined ? null : canonical(item)));
      }
      const source = value as Record<string, unknown>;
      // A null prototype, so a member named "__proto__" stays data.
      const sorted = Object.create(null) as Record<string, unknown>;
      for (const key of Object.keys(source).sort()) {
        const member = source[key];
        if (member !== undefined) sorted[key] = canonical(member);
      }
      return sorted;
    }
    default:
      throw UNSERIALISABLE;
  }
}

/** Where, in the order `canonical` walks, the first value JSON cannot carry is, and why. */
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
      const source = value as Record<string, unknown>;
      for (const key of Object.keys(source).sort()) {
        const member = source[key];
        const problem = member === undefined ? undefined : firstProblem(member, `${path}.${key}`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      return `${path} has unsupported type ${typeof value}`;
  }
}

/** Serialises a value as JSON with recursively sorted object keys (deterministic across peers). */
export function marshal(value: unknown): string {
  try {
    return JSON.stringify(canonical(value));
  } catch (error) {
    if (error !== UNSERIALISABLE) throw error;
    throw new TypeError(`marshal: ${firstProblem(value, '$') ?? '$ cannot be serialised'}`);
  }
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
