import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { AccountsUpdateProfile, ActingUser } from '@phdmf/contracts';
import { loadActingUser } from '../../infrastructure/current-user';

/** A user changes their own profile; nobody changes another's. */
@Injectable()
export class UpdateProfileHandler {
  constructor(private readonly orm: MikroORM) {}

  async execute(p: AccountsUpdateProfile.Payload, actor: ActingUser | undefined): Promise<AccountsUpdateProfile.Result> {
    const em = this.orm.em.fork();
    const user = await loadActingUser(em, actor);
    user.displayName = p.displayName.trim();
    user.updatedAt = new Date();
    await em.flush();
    return user.toView();
  }
}
