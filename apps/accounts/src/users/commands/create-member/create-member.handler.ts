import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { requireActor, type ActingUser } from '@phdmf/contracts';
import type { AccountsCreateMember } from '@phdmf/contracts';
import { AccessPolicy } from '../../domain/access-policy';
import { forbidden } from '../../domain/actor';
import { UserFactory } from '../../infrastructure/user-factory';

/** An institution admin creates a member of their own institution. */
@Injectable()
export class CreateMemberHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly users: UserFactory,
  ) {}

  async execute(p: AccountsCreateMember.Payload, actor: ActingUser | undefined): Promise<AccountsCreateMember.Result> {
    const who = requireActor(actor);
    if (!AccessPolicy.mayCreateMemberOf(who, p.organisationId)) throw forbidden('Only the institution\'s own admin may create its members');
    const user = await this.users.create(this.orm.em.fork(), {
      email: p.email,
      password: p.password,
      displayName: p.displayName,
      role: 'member',
      organisationId: p.organisationId,
    });
    return user.toView();
  }
}
