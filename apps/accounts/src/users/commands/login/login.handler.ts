import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/core';
import { AccountsErrorCode, PhdmfError, type AccountsLogin } from '@phdmf/contracts';
import { AccountsConfig } from '../../../config';
import { decideThrottle } from '../../domain/login-throttle';
import { LoginEvent } from '../../domain/login-event';
import { normaliseEmail, User } from '../../domain/user';
import { PasswordHasher } from '../../infrastructure/password-hasher';
import { TokenService } from '../../infrastructure/token-service';

/**
 * Password login. The throttle is checked before the password (an attacker past the limit gets no
 * more guesses, and costs no more hashing); every attempt, refused or not, is recorded.
 */
@Injectable()
export class LoginHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly config: AccountsConfig,
  ) {}

  async execute(p: AccountsLogin.Payload): Promise<AccountsLogin.Result> {
    const em = this.orm.em.fork();
    const email = normaliseEmail(p.email);
    const now = new Date();
    const user = await em.findOne(User, { email });

    const decision = decideThrottle(await this.recentFailures(em, email, p.address, now), {
      maxFailuresPerAccount: this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerAddress: this.config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowMs: this.config.LOGIN_THROTTLE_WINDOW_SECONDS * 1000,
    }, now);
    if (!decision.allowed) {
      await this.record(em, email, user, p, now, AccountsErrorCode.LOGIN_THROTTLED);
      throw new PhdmfError(AccountsErrorCode.LOGIN_THROTTLED, 'Too many failed logins; try again later', {
        scope: decision.scope,
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }

    const ok = user ? user.isActive() && (await this.hasher.verify(user.passwordHash, p.password)) : await this.hasher.verifyAgainstDummy(p.password);
    if (!user || !ok) {
      await this.record(em, email, user, p, now, AccountsErrorCode.INVALID_CREDENTIALS);
      throw new PhdmfError(AccountsErrorCode.INVALID_CREDENTIALS, 'Email or password is wrong');
    }
    if (this.hasher.needsRehash(user.passwordHash)) user.passwordHash = await this.hasher.hash(p.password);
    await this.record(em, email, user, p, now, null);
    return this.tokens.startSession(user, now);
  }

  private async recentFailures(em: EntityManager, email: string, address: string | undefined, now: Date) {
    const since = new Date(now.getTime() - this.config.LOGIN_THROTTLE_WINDOW_SECONDS * 1000);
    const lastSuccess = await em.findOne(LoginEvent, { email, success: true }, { orderBy: { at: 'desc' }, fields: ['at'] });
    const accountSince = lastSuccess && lastSuccess.at > since ? lastSuccess.at : since;
    const counted = { success: false, failureCode: { $ne: AccountsErrorCode.LOGIN_THROTTLED } };
    const account = await em.find(LoginEvent, { email, at: { $gt: accountSince }, ...counted }, {
      orderBy: { at: 'desc' },
      limit: this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      fields: ['at'],
    });
    const addressFailures = address
      ? await em.find(LoginEvent, { address, at: { $gt: since }, ...counted }, { orderBy: { at: 'desc' }, limit: this.config.LOGIN_MAX_FAILURES_PER_ADDRESS, fields: ['at'] })
      : [];
    return { account: account.map((e) => e.at), address: addressFailures.map((e) => e.at) };
  }

  private async record(em: EntityManager, email: string, user: User | null, p: AccountsLogin.Payload, at: Date, failureCode: string | null): Promise<void> {
    const event = new LoginEvent();
    event.userId = user?.id ?? null;
    event.email = email;
    event.at = at;
    event.success = failureCode === null;
    event.failureCode = failureCode;
    event.address = p.address ?? null;
    event.userAgent = p.userAgent ?? null;
    em.persist(event);
    await em.flush();
  }
}
