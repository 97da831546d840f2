import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { AccountsUpdateProfile, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { loadActingUser } from '../../infrastructure/current-user';

/** A user changes their own profile; nobody changes another's. */
@Controller()
export class UpdateProfileHandler {
  constructor(private readonly orm: MikroORM) {}

  @HandleRequest(AccountsUpdateProfile.CONTRACT)
  async execute(@Payload() p: AccountsUpdateProfile.Payload, @Actor() actor: ActingUser | undefined): Promise<AccountsUpdateProfile.Result> {
    const em = this.orm.em.fork();
    const user = await loadActingUser(em, actor);
    user.displayName = p.displayName.trim();
    user.updatedAt = new Date();
    await em.flush();
    return user.toView();
  }
}
