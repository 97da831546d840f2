import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { AccountsChangePassword, AccountsErrorCode, PhdmfError, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { RefreshToken } from '../../domain/refresh-token';
import { loadActingUser } from '../../infrastructure/current-user';
import { PasswordAttempts } from '../../infrastructure/password-attempts';
import { PasswordHasher } from '../../infrastructure/password-hasher';

/**
 * Needs the current password (a stolen access token alone cannot take the account over) and ends
 * every session: all refresh tokens are revoked; access tokens lapse within their short TTL. The
 * current password is checked under the login throttle, so a stolen token is no password oracle.
 */
@Controller()
export class ChangePasswordHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly hasher: PasswordHasher,
    private readonly attempts: PasswordAttempts,
  ) {}

  @HandleRequest(AccountsChangePassword.CONTRACT)
  async execute(@Payload() p: AccountsChangePassword.Payload, @Actor() actor: ActingUser | undefined): Promise<AccountsChangePassword.Result> {
    const em = this.orm.em.fork();
    const user = await loadActingUser(em, actor);
    const attempt = { email: user.email, user, address: p.address, userAgent: p.userAgent };
    await this.attempts.admit(em, attempt, new Date());
    if (!(await this.hasher.verify(user.passwordHash, p.currentPassword))) {
      await this.attempts.record(em, attempt, new Date(), AccountsErrorCode.WRONG_PASSWORD);
      throw new PhdmfError(AccountsErrorCode.WRONG_PASSWORD, 'The current password is wrong');
    }
    if (p.newPassword === p.currentPassword) throw new PhdmfError(AccountsErrorCode.WEAK_PASSWORD, 'The new password must differ from the current one');
    const now = new Date();
    user.passwordHash = await this.hasher.hash(p.newPassword);
    user.passwordChangedAt = now;
    user.updatedAt = now;
    return em.transactional(async (tx) => {
      tx.persist(user);
      const revokedSessions = await tx.nativeUpdate(RefreshToken, { userId: user.id, revokedAt: null }, { revokedAt: now, revokeReason: 'password-change' });
      return { changed: true as const, revokedSessions };
    });
  }
}
