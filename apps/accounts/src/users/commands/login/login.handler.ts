import { Controller } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AccountsErrorCode, AccountsLogin, PhdmfError } from '@phdmf/contracts';
import { HandleRequest } from '@phdmf/messaging';
import { normaliseEmail, User } from '../../domain/user';
import { PasswordAttempts } from '../../infrastructure/password-attempts';
import { PasswordHasher } from '../../infrastructure/password-hasher';
import { TokenService } from '../../infrastructure/token-service';

/** Password login, throttled and recorded by {@link PasswordAttempts}. */
@Controller()
export class LoginHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly attempts: PasswordAttempts,
  ) {}

  @HandleRequest(AccountsLogin.CONTRACT)
  async execute(p: AccountsLogin.Payload): Promise<AccountsLogin.Result> {
    const em = this.orm.em.fork();
    const email = normaliseEmail(p.email);
    const now = new Date();
    const user = await em.findOne(User, { email });
    const attempt = { email, user, address: p.address, userAgent: p.userAgent };
    await this.attempts.admit(em, attempt, now);

    const ok = user ? user.isActive() && (await this.hasher.verify(user.passwordHash, p.password)) : await this.hasher.verifyAgainstDummy(p.password);
    if (!user || !ok) {
      await this.attempts.record(em, attempt, now, AccountsErrorCode.INVALID_CREDENTIALS);
      throw new PhdmfError(AccountsErrorCode.INVALID_CREDENTIALS, 'Email or password is wrong');
    }
    if (this.hasher.needsRehash(user.passwordHash)) user.passwordHash = await this.hasher.hash(p.password);
    await this.attempts.record(em, attempt, now, null);
    return this.tokens.startSession(user, now);
  }
}
