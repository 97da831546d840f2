import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import { AccountsErrorCode, PhdmfError } from '@phdmf/contracts';
import { Metrics } from '@phdmf/observability';
import { AccountsConfig } from '../../config';
import { decideThrottle, failuresNeeded, type ThrottleLimits } from '../domain/login-throttle';
import { LoginEvent } from '../domain/login-event';
import type { User } from '../domain/user';

/** One password check (a login, or the current password given with a password change). */
export interface PasswordAttempt {
  /** Normalised email of the account tried. */
  email: string;
  /** The account, when the email names one. */
  user: User | null;
  address?: string | undefined;
  userAgent?: string | undefined;
}

/**
 * Every check of a password goes through here: the throttle is decided before the password is
 * verified (a throttled guesser gets no answer about it, and costs no hashing), and every attempt,
 * refused or not, is recorded in the login history the throttle counts from, so it holds across
 * restarts and replicas.
 */
@Injectable()
export class PasswordAttempts {
  private readonly limits: ThrottleLimits;

  constructor(config: AccountsConfig) {
    const windowMs = config.LOGIN_THROTTLE_WINDOW_SECONDS * 1000;
    this.limits = {
      freeFailuresPerAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      freeFailuresPerAccountAddress: config.LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS,
      freeFailuresPerAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowMs,
      baseDelayMs: Math.min(windowMs, config.LOGIN_THROTTLE_BASE_DELAY_SECONDS * 1000),
      maxDelayMs: windowMs,
    };
  }

  /** Refuses with AUTH.LOGIN_THROTTLED (recorded) while the attempt must wait. */
  async admit(em: EntityManager, attempt: PasswordAttempt, now: Date): Promise<void> {
    const decision = decideThrottle(await this.recentFailures(em, attempt, now), this.limits, now);
    if (decision.allowed) return;
    await this.record(em, attempt, now, AccountsErrorCode.LOGIN_THROTTLED);
    throw new PhdmfError(AccountsErrorCode.LOGIN_THROTTLED, 'Too many failed password attempts; try again later', {
      scope: decision.scope,
      retryAfterSeconds: decision.retryAfterSeconds,
    });
  }

  /** Records an attempt; `failureCode` null for a success. */
  async record(em: EntityManager, attempt: PasswordAttempt, at: Date, failureCode: string | null): Promise<void> {
    const event = new LoginEvent();
    event.userId = attempt.user?.id ?? null;
    event.email = attempt.email;
    event.at = at;
    event.success = failureCode === null;
    event.failureCode = failureCode;
    event.address = attempt.address ?? null;
    event.userAgent = attempt.userAgent ?? null;
    em.persist(event);
    await em.flush();
    if (failureCode !== null) Metrics.loginFailures.inc({ code: failureCode });
  }

  private async recentFailures(em: EntityManager, { email, address }: PasswordAttempt, now: Date) {
    const since = new Date(now.getTime() - this.limits.windowMs);
    const lastSuccess = await em.findOne(LoginEvent, { email, success: true }, { orderBy: { at: 'desc' }, fields: ['at'] });
    // A successful login clears the account's slate; the per-address ceiling is not the account's.
    const accountSince = lastSuccess && lastSuccess.at > since ? lastSuccess.at : since;
    const counted = { success: false, failureCode: { $ne: AccountsErrorCode.LOGIN_THROTTLED } };
    const newest = (where: { email?: string; address?: string; at: { $gt: Date } }, free: number) =>
      em.find(LoginEvent, { ...where, ...counted }, { orderBy: { at: 'desc' }, limit: failuresNeeded(free, this.limits), fields: ['at'] }).then((list) => list.map((e) => e.at));
    // One after another: the queries share one entity manager.
    const account = await newest({ email, at: { $gt: accountSince } }, this.limits.freeFailuresPerAccount);
    if (!address) return { account, accountAddress: [], address: [], knownAddress: false };
    const accountAddress = await newest({ email, address, at: { $gt: accountSince } }, this.limits.freeFailuresPerAccountAddress);
    const fromAddress = await newest({ address, at: { $gt: since } }, this.limits.freeFailuresPerAddress);
    const known = (await em.count(LoginEvent, { email, address, success: true })) > 0;
    return { account, accountAddress, address: fromAddress, knownAddress: known };
  }
}
