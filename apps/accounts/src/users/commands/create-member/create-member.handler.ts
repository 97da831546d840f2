import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { AccountsCreateMember, requireActor, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { AccessPolicy } from '../../domain/access-policy';
import { forbidden } from '../../domain/actor';
import { UserFactory } from '../../infrastructure/user-factory';

/** An institution admin creates a member of their own institution. */
@Controller()
export class CreateMemberHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly users: UserFactory,
  ) {}

  @HandleRequest(AccountsCreateMember.CONTRACT)
  async execute(@Payload() p: AccountsCreateMember.Payload, @Actor() actor: ActingUser | undefined): Promise<AccountsCreateMember.Result> {
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
