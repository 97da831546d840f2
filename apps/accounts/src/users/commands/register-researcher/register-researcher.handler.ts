import { Controller } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AccountsErrorCode, AccountsRegisterResearcher, PhdmfError } from '@phdmf/contracts';
import { HandleRequest } from '@phdmf/messaging';
import { UserFactory } from '../../infrastructure/user-factory';

/**
 * Self-registration, open to anyone, and only ever as a researcher (no organisation). It does not
 * reveal whether an email has an account: a taken email is answered like a new one (same shape,
 * same hashing cost) and nothing is stored; the existing account is untouched.
 */
@Controller()
export class RegisterResearcherHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly users: UserFactory,
  ) {}

  @HandleRequest(AccountsRegisterResearcher.CONTRACT)
  async execute(p: AccountsRegisterResearcher.Payload): Promise<AccountsRegisterResearcher.Result> {
    const n = { email: p.email, password: p.password, displayName: p.displayName, role: 'researcher' as const };
    try {
      return (await this.users.create(this.orm.em.fork(), n)).toView();
    } catch (error) {
      if (!(error instanceof PhdmfError) || error.code !== AccountsErrorCode.EMAIL_TAKEN) throw error;
      return (await this.users.decoy(n)).toView();
    }
  }
}
