import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { AccountsListUsers, PageRequest, requireActor, type ActingUser } from '@phdmf/contracts';
import { findPage } from '@phdmf/persistence';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { AccessPolicy } from '../../domain/access-policy';
import { forbidden } from '../../domain/actor';
import { User } from '../../domain/user';

/** An institution's users, newest account first, a page at a time (keyset on (createdAt, id)). */
@Controller()
export class ListUsersHandler {
  constructor(private readonly orm: MikroORM) {}

  @HandleRequest(AccountsListUsers.CONTRACT)
  async execute(@Payload() p: AccountsListUsers.Payload, @Actor() actor: ActingUser | undefined): Promise<AccountsListUsers.Result> {
    if (!AccessPolicy.mayListUsersOf(requireActor(actor), p.organisationId)) throw forbidden('You may not list this institution\'s users');
    const page = PageRequest.of('users', p, { organisationId: p.organisationId, status: p.status });
    const where = { organisationId: p.organisationId, ...(p.status !== undefined ? { status: p.status } : {}) };
    const { rows, nextCursor, total } = await findPage(this.orm.em.fork(), User, where, { at: 'createdAt', id: 'id' }, page);
    return { items: rows.map((u) => u.toView()), nextCursor, total };
  }
}
