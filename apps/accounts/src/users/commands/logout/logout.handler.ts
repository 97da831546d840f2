import { Controller } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AccountsLogout } from '@phdmf/contracts';
import { HandleRequest } from '@phdmf/messaging';
import { parseRefreshToken, RefreshToken, secretMatches } from '../../domain/refresh-token';

/** Ends the session the refresh token belongs to (its whole family). Idempotent and silent about unknown tokens. */
@Controller()
export class LogoutHandler {
  constructor(private readonly orm: MikroORM) {}

  @HandleRequest(AccountsLogout.CONTRACT)
  async execute(p: AccountsLogout.Payload): Promise<AccountsLogout.Result> {
    const parsed = parseRefreshToken(p.refreshToken);
    if (!parsed) return { revoked: false };
    const em = this.orm.em.fork();
    const row = await em.findOne(RefreshToken, { id: parsed.id });
    if (!row || !secretMatches(parsed.secret, row.secretHash)) return { revoked: false };
    const n = await em.nativeUpdate(RefreshToken, { familyId: row.familyId, revokedAt: null }, { revokedAt: new Date(), revokeReason: 'logout' });
    return { revoked: n > 0 };
  }
}
