// The ledger's Ed25519 signing key. It signs every block hash so that a stored chain can be
// checked for tampering by anyone holding the public key (published in the genesis block and in
// info()). The private key lives next to the database, readable by its owner only: whoever can
// read it can forge blocks, whoever can write the database without it cannot.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerConfigError } from './errors';
import type { LedgerLogger } from './types';

export const SIGNING_KEY_FILE = 'ledger-signing-key.pem';

export class LedgerSigner {
  readonly publicKeyPem: string;
  private readonly publicKey: KeyObject;

  private constructor(private readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey);
    this.publicKeyPem = this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /**
   * Loads the key from `dataDir`, or creates it when `mayCreate` (a brand-new ledger). A ledger
   * with blocks but no key is refused: a new key could not produce signatures that match the
   * existing chain, and silently starting over would hide the loss.
   */
  static loadOrCreate(dataDir: string, mayCreate: boolean, logger: LedgerLogger): LedgerSigner {
    const path = join(dataDir, SIGNING_KEY_FILE);
    if (!existsSync(path)) {
      if (!mayCreate) {
        throw new LedgerConfigError(`the ledger has blocks but its signing key ${path} is missing`);
      }
      const { privateKey } = generateKeyPairSync('ed25519');
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      // 'wx' fails if another process created the file in between; mode applies at creation.
      writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
      logger.info({ path }, 'created the ledger signing key');
      return new LedgerSigner(privateKey);
    }
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
      logger.warn({ path, mode: mode.toString(8) }, 'ledger signing key was readable by others; permissions set to 0600');
    }
    try {
      return new LedgerSigner(createPrivateKey(readFileSync(path)));
    } catch (err) {
      throw new LedgerConfigError(`cannot read the ledger signing key ${path}`, { cause: err });
    }
  }

  /** The same key in another thread (the block committer): KeyObjects travel through workerData. */
  static fromPrivateKey(privateKey: KeyObject): LedgerSigner {
    return new LedgerSigner(privateKey);
  }

  /** The private key, to hand to the block committer's thread; never written anywhere else. */
  get privateKeyForCommitter(): KeyObject {
    return this.privateKey;
  }

  sign(data: Uint8Array): Buffer {
    return sign(null, data, this.privateKey);
  }

  verify(data: Uint8Array, signature: Uint8Array): boolean {
    return verify(null, data, this.publicKey, signature);
  }
}
