// ctx.clientIdentity for the embedded ledger. There are no X.509 certificates here: the caller is
// the (mspId, id) pair the ledger service authenticated, so there are no certificate attributes
// either (getAttributeValue is always null, assertAttributeValue always false, like fabric-shim's
// ClientIdentity for a certificate without that attribute).
import type { ClientIdentity } from 'fabric-shim-api';
import type { LedgerIdentity } from './types';

export class EmbeddedClientIdentity implements ClientIdentity {
  constructor(private readonly identity: LedgerIdentity) {}

  getMSPID(): string {
    return this.identity.mspId;
  }

  getID(): string {
    return this.identity.id;
  }

  getIDBytes(): Uint8Array {
    return Buffer.from(this.identity.id);
  }

  getAttributeValue(_attrName: string): string | null {
    return null;
  }

  assertAttributeValue(attrName: string, attrValue: string): boolean {
    const value = this.getAttributeValue(attrName);
    return value !== null && value === attrValue;
  }
}
