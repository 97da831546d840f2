import { createHash, createPublicKey, verify } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped,
 * numbers as ECMAScript prints them. Two parties that hold the same value produce the same bytes,
 * which is what a signature over a summary needs. Non-finite numbers are refused (JSON has none).
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new Error('canonical JSON has no representation for a non-finite number');
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v: unknown) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new Error(`canonical JSON has no representation for a ${typeof value}`);
  }
}

/** Key id of a node public key: hex SHA-256 of its DER SubjectPublicKeyInfo. */
export function nodeKeyId(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/** A detached Ed25519 signature over the canonical JSON of a body. */
export interface NodeSignature {
  algorithm: 'Ed25519';
  /** {@link nodeKeyId} of the signing key's public half. */
  keyId: string;
  /** Base64 signature over the UTF-8 bytes of `canonicalJson(body)`. */
  value: string;
}

/**
 * Checks a node's signature over a body with the node public key registered on the ledger
 * (`LedgerMemberRecord.nodePublicKey`). The aggregation service calls this on every summary.
 */
export function verifyNodeSignature(body: unknown, signature: NodeSignature, publicKeyPem: string): boolean {
  // The signature arrives from the wire: its algorithm is whatever the sender wrote.
  const algorithm: string = signature.algorithm;
  if (algorithm !== 'Ed25519') return false;
  try {
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, Buffer.from(canonicalJson(body), 'utf8'), key, Buffer.from(signature.value, 'base64'));
  } catch {
    return false;
  }
}
