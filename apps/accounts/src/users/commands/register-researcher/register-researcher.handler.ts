import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { AccountsRegisterResearcher } from '@phdmf/contracts';
import { UserFactory } from '../../infrastructure/user-factory';

/** Self-registration, open to anyone, and only ever as a researcher (no organisation). */
@Injectable()
export class RegisterResearcherHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly users: UserFactory,
  ) {}

  async execute(p: AccountsRegisterResearcher.Payload): Promise<AccountsRegisterResearcher.Result> {
    const user = await this.users.create(this.orm.em.fork(), { email: p.email, password: p.password, displayName: p.displayName, role: 'researcher' });
    return user.toView();
  }
}
