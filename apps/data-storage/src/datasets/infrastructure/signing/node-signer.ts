import { createHmac, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { canonicalJson, CommonErrorCode, nodeKeyId, PhdmfError, type NodeSignature } from '@phdmf/contracts';
import { inSpanSync, UseCaseSpan } from '@phdmf/observability';

/**
 * The node's Ed25519 key. Summaries are signed with it so that the aggregation service (and anyone
 * auditing an analysis) can check, with the public key registered on the ledger for this node, that
 * the numbers came from this node unchanged.
 */
export class NodeSigner {
  readonly publicKeyPem: string;
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new PhdmfError(CommonErrorCode.CONFIG_INVALID, `the node key must be an Ed25519 key, not ${privateKey.asymmetricKeyType ?? 'unknown'}`);
    }
    this.publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = nodeKeyId(this.publicKeyPem);
  }

  static fromFile(file: string): NodeSigner {
    let pem: string;
    try {
      pem = readFileSync(file, 'utf8');
    } catch (error) {
      throw new PhdmfError(CommonErrorCode.CONFIG_INVALID, `NODE_PRIVATE_KEY_FILE ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    try {
      return new NodeSigner(createPrivateKey(pem));
    } catch (error) {
      if (error instanceof PhdmfError) throw error;
      throw new PhdmfError(CommonErrorCode.CONFIG_INVALID, `NODE_PRIVATE_KEY_FILE ${file} does not hold a PKCS#8 PEM private key`);
    }
  }

  /**
   * A secret only this node knows, for one purpose (`label`), derived from its private key: the
   * node's disclosure noise is keyed with it, so no extra secret has to be provisioned, kept and
   * backed up, and nobody without the node key can predict (and so subtract) the noise.
   */
  deriveSecret(label: string): Buffer {
    return createHmac('sha256', this.privateKey.export({ type: 'pkcs8', format: 'der' })).update(label, 'utf8').digest();
  }

  /** An answer's signature, the last step of every summary and model answer (its own span in a traced request). */
  sign(body: unknown): NodeSignature {
    return inSpanSync(UseCaseSpan.SiteSignature, {}, () => {
      const value = sign(null, Buffer.from(canonicalJson(body), 'utf8'), this.privateKey).toString('base64');
      return { algorithm: 'Ed25519' as const, keyId: this.keyId, value };
    });
  }
}
