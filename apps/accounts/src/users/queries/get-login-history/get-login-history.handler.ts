import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AccountsErrorCode, PhdmfError, requireActor, type AccountsGetLoginHistory, type ActingUser } from '@phdmf/contracts';
import { AccessPolicy } from '../../domain/access-policy';
import { forbidden } from '../../domain/actor';
import { LoginEvent } from '../../domain/login-event';
import { User } from '../../domain/user';

@Injectable()
export class GetLoginHistoryHandler {
  constructor(private readonly orm: MikroORM) {}

  async execute(p: AccountsGetLoginHistory.Payload, actor: ActingUser | undefined): Promise<AccountsGetLoginHistory.Result> {
    const who = requireActor(actor);
    const em = this.orm.em.fork();
    const userId = p.userId ?? who.userId;
    const target = await em.findOne(User, { id: userId });
    // Not found and not allowed look alike to someone who may not look: no probing for user ids.
    if (!target || !AccessPolicy.mayReadLoginHistory(who, target)) {
      if (!target && userId === who.userId) throw new PhdmfError(AccountsErrorCode.UNAUTHENTICATED, 'The account no longer exists');
      if (!target && AccessPolicy.mayReadLoginHistory(who, { id: userId, organisationId: null })) {
        throw new PhdmfError(AccountsErrorCode.USER_NOT_FOUND, 'No such user', { userId });
      }
      throw forbidden('You may not read this user\'s login history');
    }
    const events = await em.find(LoginEvent, { userId }, { orderBy: { at: 'desc', id: 'desc' }, limit: p.limit ?? 50 });
    return { userId, entries: events.map((e) => e.toEntry()) };
  }
}
