import { EntitySchema } from '@mikro-orm/core';
import { LoginEvent } from '../domain/login-event';
import { RefreshToken } from '../domain/refresh-token';
import { User } from '../domain/user';

/** A persisted token-signing key (Ed25519). The private half never leaves this service. */
export class SigningKeyRecord {
  kid!: string;
  /** Private JWK as JSON. */
  privateJwk!: string;
  /** Public JWK as JSON (kid, alg, use set). */
  publicJwk!: string;
  createdAt!: Date;
  /** Retired keys stay in the JWKS until tokens signed with them have expired, then are dropped. */
  retiredAt!: Date | null;
}

export const UserSchema = new EntitySchema<User>({
  class: User,
  tableName: 'accounts_users',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    email: { type: 'string', length: 254, unique: 'accounts_users_email_unique' },
    displayName: { type: 'string', length: 200, fieldName: 'display_name' },
    passwordHash: { type: 'string', length: 255, fieldName: 'password_hash' },
    roleList: { type: 'string', length: 200, fieldName: 'roles' },
    organisationId: { type: 'string', length: 128, nullable: true, fieldName: 'organisation_id', index: 'accounts_users_organisation_id_index' },
    status: { type: 'string', length: 16 },
    createdAt: { type: 'datetime', fieldName: 'created_at' },
    updatedAt: { type: 'datetime', fieldName: 'updated_at' },
    passwordChangedAt: { type: 'datetime', fieldName: 'password_changed_at' },
  },
});

export const RefreshTokenSchema = new EntitySchema<RefreshToken>({
  class: RefreshToken,
  tableName: 'accounts_refresh_tokens',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    familyId: { type: 'string', length: 36, fieldName: 'family_id', index: 'accounts_refresh_tokens_family_id_index' },
    userId: { type: 'string', length: 36, fieldName: 'user_id', index: 'accounts_refresh_tokens_user_id_index' },
    secretHash: { type: 'string', length: 64, fieldName: 'secret_hash' },
    createdAt: { type: 'datetime', fieldName: 'created_at' },
    expiresAt: { type: 'datetime', fieldName: 'expires_at' },
    rotatedAt: { type: 'datetime', nullable: true, fieldName: 'rotated_at' },
    revokedAt: { type: 'datetime', nullable: true, fieldName: 'revoked_at' },
    revokeReason: { type: 'string', length: 32, nullable: true, fieldName: 'revoke_reason' },
  },
});

export const LoginEventSchema = new EntitySchema<LoginEvent>({
  class: LoginEvent,
  tableName: 'accounts_login_events',
  indexes: [
    { name: 'accounts_login_events_email_at_index', properties: ['email', 'at'] },
    { name: 'accounts_login_events_address_at_index', properties: ['address', 'at'] },
    { name: 'accounts_login_events_user_id_at_index', properties: ['userId', 'at'] },
  ],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    userId: { type: 'string', length: 36, nullable: true, fieldName: 'user_id' },
    email: { type: 'string', length: 254 },
    at: { type: 'datetime' },
    success: { type: 'boolean' },
    failureCode: { type: 'string', length: 64, nullable: true, fieldName: 'failure_code' },
    address: { type: 'string', length: 64, nullable: true },
    userAgent: { type: 'string', length: 512, nullable: true, fieldName: 'user_agent' },
  },
});

export const SigningKeySchema = new EntitySchema<SigningKeyRecord>({
  class: SigningKeyRecord,
  tableName: 'accounts_signing_keys',
  properties: {
    kid: { type: 'string', length: 64, primary: true },
    privateJwk: { type: 'text', fieldName: 'private_jwk' },
    publicJwk: { type: 'text', fieldName: 'public_jwk' },
    createdAt: { type: 'datetime', fieldName: 'created_at' },
    retiredAt: { type: 'datetime', nullable: true, fieldName: 'retired_at' },
  },
});

export const ACCOUNTS_ENTITIES = [UserSchema, RefreshTokenSchema, LoginEventSchema, SigningKeySchema];
