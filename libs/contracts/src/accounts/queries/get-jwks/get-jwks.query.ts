import { defineQuery } from '../../../lib/contract';

export const SUBJECT = 'phdmf.accounts.qry.jwks.v1';

/** The public keys access tokens are signed with (RFC 7517 JWK Set). Anyone may ask; it holds no secret. */
export class Payload {}

/** A public JSON Web Key (RFC 7517); for Ed25519: kty OKP, crv Ed25519, x. */
export interface PublicJwk {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  crv?: string;
  x?: string;
  y?: string;
}

/** A JWK Set; each key carries kid, alg (EdDSA) and use (sig). */
export interface Result {
  keys: PublicJwk[];
}

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
