import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { requireActor, type ActingUser } from '@phdmf/contracts';
import type { AccountsListUsers } from '@phdmf/contracts';
import { AccessPolicy } from '../../domain/access-policy';
import { forbidden } from '../../domain/actor';
import { User } from '../../domain/user';

@Injectable()
export class ListUsersHandler {
  constructor(private readonly orm: MikroORM) {}

  async execute(p: AccountsListUsers.Payload, actor: ActingUser | undefined): Promise<AccountsListUsers.Result> {
    if (!AccessPolicy.mayListUsersOf(requireActor(actor), p.organisationId)) throw forbidden('You may not list this institution\'s users');
    const users = await this.orm.em.fork().find(User, { organisationId: p.organisationId }, { orderBy: { email: 'asc' } });
    return { users: users.map((u) => u.toView()) };
  }
}
