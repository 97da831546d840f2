import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { AccountsErrorCode, AccountsGetLoginHistory, PageRequest, PhdmfError, requireActor, type ActingUser } from '@phdmf/contracts';
import { findPage, withinTime } from '@phdmf/persistence';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { AccessPolicy } from '../../domain/access-policy';
import { forbidden } from '../../domain/actor';
import { LoginEvent } from '../../domain/login-event';
import { User } from '../../domain/user';

/** A user's login attempts, newest first, a page at a time (keyset on (at, id)). */
@Controller()
export class GetLoginHistoryHandler {
  constructor(private readonly orm: MikroORM) {}

  @HandleRequest(AccountsGetLoginHistory.CONTRACT)
  async execute(@Payload() p: AccountsGetLoginHistory.Payload, @Actor() actor: ActingUser | undefined): Promise<AccountsGetLoginHistory.Result> {
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
    // Bound to the user too: a cursor of one user's history does not continue another's.
    const page = PageRequest.of('login-history', p, { userId, outcome: p.outcome, from: p.from, to: p.to });
    const where = { userId, ...(p.outcome !== undefined ? { success: p.outcome === 'success' } : {}), ...withinTime<LoginEvent>('at', p) };
    const { rows, nextCursor, total } = await findPage(em, LoginEvent, where, { at: 'at', id: 'id' }, page);
    return { items: rows.map((e) => e.toEntry()), nextCursor, total };
  }
}
