import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { issueAccessToken } from '@phdmf/auth';
import type { TokenPair } from '@phdmf/contracts';
import { AccountsConfig } from '../../config';
import { mintRefreshToken, RefreshToken } from '../domain/refresh-token';
import type { User } from '../domain/user';
import { SigningKeys } from './signing-keys';

/** Issues access tokens and refresh tokens (new sessions and rotations within one). */
@Injectable()
export class TokenService {
  constructor(
    private readonly keys: SigningKeys,
    private readonly config: AccountsConfig,
    private readonly orm: MikroORM,
  ) {}

  /** A new session: a new refresh token family. */
  async startSession(user: User, now = new Date()): Promise<TokenPair> {
    const familyExpiresAt = new Date(now.getTime() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000);
    const em = this.orm.em.fork();
    const refresh = this.newRefreshToken(user.id, randomUUID(), familyExpiresAt, now);
    em.persist(refresh.row);
    await em.flush();
    return this.pair(user, refresh.token, familyExpiresAt, now);
  }

  /** The next token of a family; the caller has already retired the presented one. */
  newRefreshToken(userId: string, familyId: string, familyExpiresAt: Date, now: Date): { row: RefreshToken; token: string } {
    const minted = mintRefreshToken();
    const row = new RefreshToken();
    row.id = minted.id;
    row.familyId = familyId;
    row.userId = userId;
    row.secretHash = minted.secretHash;
    row.createdAt = now;
    row.expiresAt = familyExpiresAt;
    row.rotatedAt = null;
    row.revokedAt = null;
    row.revokeReason = null;
    return { row, token: minted.token };
  }

  async pair(user: User, refreshToken: string, familyExpiresAt: Date, now: Date): Promise<TokenPair> {
    const accessToken = await issueAccessToken(this.keys.current(), {
      issuer: this.config.AUTH_ISSUER,
      audience: this.config.AUTH_AUDIENCE,
      userId: user.id,
      ...(user.organisationId ? { organisationId: user.organisationId } : {}),
      roles: user.listRoles(),
      ttlSeconds: this.config.ACCESS_TOKEN_TTL_SECONDS,
    });
    return {
      tokenType: 'Bearer',
      accessToken,
      expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS,
      refreshToken,
      refreshExpiresIn: Math.max(0, Math.floor((familyExpiresAt.getTime() - now.getTime()) / 1000)),
    };
  }
}
