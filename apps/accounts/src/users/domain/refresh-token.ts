import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * One refresh token of a family (a login session). Each refresh retires the presented token and
 * issues the next one in the same family; a retired token presented again means it was stolen
 * (or replayed), and the whole family is revoked. Only a hash of the secret is stored.
 */
export class RefreshToken {
  id!: string;
  familyId!: string;
  userId!: string;
  secretHash!: string;
  createdAt!: Date;
  /** The family's absolute end: rotation does not extend a session. */
  expiresAt!: Date;
  rotatedAt!: Date | null;
  revokedAt!: Date | null;
  revokeReason!: string | null;
}

/** The wire form `<id>.<secret>`: the id finds the row, the secret proves possession. */
export interface MintedRefreshToken {
  token: string;
  id: string;
  secretHash: string;
}

export function mintRefreshToken(): MintedRefreshToken {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  return { token: `${id}.${secret}`, id, secretHash: hashSecret(secret) };
}

export function parseRefreshToken(token: string): { id: string; secret: string } | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  const id = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (!/^[0-9a-f-]{36}$/.test(id) || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
  return { id, secret };
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

function hashSecret(secret: string): string {
  // A 256-bit random secret needs no slow hash: SHA-256 is enough to make a leaked table useless.
  return createHash('sha256').update(secret).digest('hex');
}
