import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/**
 * argon2id at OWASP's recommended minimum (Password Storage Cheat Sheet): m = 19 MiB, t = 2, p = 1.
 * The parameters live in each hash, so raising them later keeps old hashes verifiable and
 * `needsRehash` says when a login should upgrade one.
 */
export const ARGON2_PARAMETERS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  // Verified against when the email matches no account, so that an unknown email costs the same
  // time as a wrong password and response times do not reveal which accounts exist.
  private dummy?: Promise<string>;

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_PARAMETERS);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false; // a malformed stored hash verifies nothing
    }
  }

  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummy ??= this.hash('not-a-real-password-for-timing-only');
    await this.verify(await this.dummy, password);
    return false;
  }

  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, ARGON2_PARAMETERS);
  }
}
