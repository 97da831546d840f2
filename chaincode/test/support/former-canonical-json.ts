// FROZEN: the three canonical JSON encoders PHDMF had before there was one (main at 905f394), kept
// only so that canonical-json.spec.ts can show on which inputs they and the one encoder differ, and
// that the data hashes and signatures cover never reaches such an input. Not for use elsewhere.

/** chaincode/src/marshal.ts: a sorted copy (null prototype) written by JSON.stringify. */
export function formerMarshal(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (v === null) return null;
    if (typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new TypeError('not finite');
      return v;
    }
    if (typeof v !== 'object') throw new TypeError(`unsupported type ${typeof v}`);
    if (Array.isArray(v)) return v.map((item: unknown) => (item === undefined ? null : canonical(item)));
    const source = v as Record<string, unknown>;
    const sorted = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(source).sort()) if (source[key] !== undefined) sorted[key] = canonical(source[key]);
    return sorted;
  };
  return JSON.stringify(canonical(value));
}

/** libs/embedded-ledger/src/canonical-json.ts: plain objects only, undefined in arrays refused. */
export function formerEmbedded(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('not finite');
    return JSON.stringify(value);
  }
  if (typeof value !== 'object') throw new TypeError(`unsupported type ${typeof value}`);
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => { if (item === undefined) throw new TypeError('undefined element'); return formerEmbedded(item); }).join(',')}]`;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new TypeError('plain objects only');
  const record = value as Record<string, unknown>;
  const members = Object.keys(record).sort().filter((key) => record[key] !== undefined);
  return `{${members.map((key) => `${JSON.stringify(key)}:${formerEmbedded(record[key])}`).join(',')}}`;
}

/** libs/contracts/src/storage/lib/canonical-json.ts: Object.entries, keys compared with `<`. */
export function formerContracts(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new Error('non-finite');
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v: unknown) => (v === undefined ? 'null' : formerContracts(v))).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${formerContracts(v)}`).join(',')}}`;
    }
    default:
      throw new Error(`unsupported type ${typeof value}`);
  }
}
