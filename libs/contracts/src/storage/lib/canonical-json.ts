// Canonical JSON is PHDMF's one encoding under every hash and signature (RFC 8785). It is written once,
// in the chaincode, which the ledger's peers run on their own; a summary's signature rests on it too.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { canonicalJson } from '@phdmf/chaincode/canonical-json';

export { canonicalJson, CanonicalJsonError } from '@phdmf/chaincode/canonical-json';

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
