import { readFileSync } from 'node:fs';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { ConfigError } from '@phdmf/config';

const VARIABLE = 'SIGNING_KEY_ENCRYPTION_KEY_FILE';
const KEY_BYTES = 32;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encrypts the token-signing private key for the database with a key-encryption key that lives
 * elsewhere (a Kubernetes Secret mount, `.data/keys/` on one machine): a copy of the database
 * alone — a backup, a replica, a dump — cannot mint tokens. JWE compact serialisation with `dir` +
 * A256GCM (jose, already the service's JWT library): authenticated, so a wrong key or an altered
 * value is refused rather than decrypted to garbage.
 */
export class SigningKeySeal {
  private constructor(
    private readonly kek: Uint8Array,
    private readonly file: string,
  ) {}

  /** The seal of the key in `file` (32 bytes, base64 or base64url; a trailing newline is ignored). */
  static fromFile(file: string): SigningKeySeal {
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError([`${VARIABLE}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
    }
    const kek = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (kek.length !== KEY_BYTES || !/^[A-Za-z0-9+/_=-]+$/.test(text)) {
      throw new ConfigError([`${VARIABLE}: ${file} must hold ${KEY_BYTES} random bytes, base64-encoded (openssl rand -base64 32)`]);
    }
    return new SigningKeySeal(new Uint8Array(kek), file);
  }

  /** Whether a stored value is sealed (a JWE) rather than a plain JWK (JSON). */
  static isSealed(stored: string): boolean {
    return !stored.trimStart().startsWith('{');
  }

  async seal(privateJwkJson: string, kid: string): Promise<string> {
    return new CompactEncrypt(encoder.encode(privateJwkJson)).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, cty: 'jwk+json' }).encrypt(this.kek);
  }

  async open(sealed: string, kid: string): Promise<string> {
    try {
      const { plaintext, protectedHeader } = await compactDecrypt(sealed, this.kek);
      if (protectedHeader.kid !== kid) throw new Error(`sealed for kid ${String(protectedHeader.kid)}`);
      return decoder.decode(plaintext);
    } catch (error) {
      throw new ConfigError([`${VARIABLE}: the key in ${this.file} does not open the stored token-signing key ${kid} (${error instanceof Error ? error.message : String(error)})`]);
    }
  }
}

/** The refusal when keys are sealed but no key-encryption key is configured. */
export function sealedWithoutKey(kid: string): ConfigError {
  return new ConfigError([`${VARIABLE}: the stored token-signing key ${kid} is encrypted; set ${VARIABLE} to the file of its key-encryption key`]);
}
