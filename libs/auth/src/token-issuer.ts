import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike, type JWK } from 'jose';
import type { Role } from '@phdmf/contracts';
import { ACCESS_TOKEN_TYPE } from './claims';

export interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

/** A new Ed25519 signing key with its public JWK (kid, alg and use set). */
export async function generateSigningKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

export interface IssueOptions {
  issuer: string;
  audience: string;
  userId: string;
  organisationId?: string;
  roles: Role[];
  ttlSeconds: number;
}

/** Signs a short-lived access token (EdDSA, typ at+jwt) — used by accounts, and by tests. */
export async function issueAccessToken(key: SigningKey, o: IssueOptions): Promise<string> {
  return new SignJWT({ roles: o.roles, ...(o.organisationId ? { org: o.organisationId } : {}) })
    .setProtectedHeader({ alg: 'EdDSA', typ: ACCESS_TOKEN_TYPE, kid: key.kid })
    .setIssuer(o.issuer)
    .setAudience(o.audience)
    .setSubject(o.userId)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${o.ttlSeconds}s`)
    .sign(key.privateKey);
}
