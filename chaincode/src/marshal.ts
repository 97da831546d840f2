// Every byte the chaincode writes (state, events, results) goes through this one pair, so endorsing
// peers produce identical read-write sets. The encoding is PHDMF's one canonical JSON (RFC 8785):
// keys sorted recursively, undefined members dropped, values without a JSON form refused.
import { canonicalJson, CanonicalJsonError } from './canonical-json';

/** Serialises a value as canonical JSON (deterministic across peers); refuses what JSON cannot carry. */
export function marshal(value: unknown): string {
  try {
    return canonicalJson(value);
  } catch (error) {
    if (error instanceof CanonicalJsonError) throw new TypeError(`marshal: ${error.problem}`);
    throw error;
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
