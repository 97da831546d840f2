import { Controller, Inject } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AccountsErrorCode, AccountsRefreshToken, PhdmfError } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { HandleRequest } from '@phdmf/messaging';
import { LOGGER } from '../../../accounts.tokens';
import { parseRefreshToken, RefreshToken, secretMatches } from '../../domain/refresh-token';
import { User } from '../../domain/user';
import { TokenService } from '../../infrastructure/token-service';

/**
 * Rotation with reuse detection (OAuth 2.0 Security BCP §4.14). The presented token is retired by
 * a conditional update, so of two concurrent refreshes with one token exactly one wins; the other
 * is treated as reuse, and the family (the session) is revoked for both.
 */
@Controller()
export class RefreshTokenHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly tokens: TokenService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @HandleRequest(AccountsRefreshToken.CONTRACT)
  async execute(p: AccountsRefreshToken.Payload): Promise<AccountsRefreshToken.Result> {
    const parsed = parseRefreshToken(p.refreshToken);
    if (!parsed) throw invalid();
    const em = this.orm.em.fork();
    const row = await em.findOne(RefreshToken, { id: parsed.id });
    if (!row || !secretMatches(parsed.secret, row.secretHash)) throw invalid();
    const now = new Date();
    if (row.revokedAt) throw invalid();
    if (row.expiresAt <= now) throw invalid();

    const retired = await em.nativeUpdate(RefreshToken, { id: row.id, rotatedAt: null, revokedAt: null }, { rotatedAt: now });
    if (retired === 0) {
      const revoked = await em.nativeUpdate(RefreshToken, { familyId: row.familyId, revokedAt: null }, { revokedAt: now, revokeReason: 'reuse' });
      this.logger.warn({ familyId: row.familyId, userId: row.userId, revoked }, 'refresh token reused; session revoked');
      throw new PhdmfError(AccountsErrorCode.REFRESH_REUSED, 'This refresh token was already used; the session has been revoked');
    }
    const user = await em.findOne(User, { id: row.userId });
    if (!user?.isActive()) throw invalid();
    const next = this.tokens.newRefreshToken(user.id, row.familyId, row.expiresAt, now);
    em.persist(next.row);
    await em.flush();
    // Roles and organisation are read afresh: an appointment takes effect at the next refresh.
    return this.tokens.pair(user, next.token, row.expiresAt, now);
  }
}

function invalid(): PhdmfError {
  return new PhdmfError(AccountsErrorCode.REFRESH_INVALID, 'Invalid or expired refresh token');
}
