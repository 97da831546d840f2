import { Injectable } from '@nestjs/common';
import type { ActingUser, AuthorizationRevokeAccess } from '@phdmf/contracts';
import { AccessDecisions, Decisions } from '../../application/access-decisions';

/** The owner's staff revoke a granted request, with a reason; shown revoked once committed. */
@Injectable()
export class RevokeAccessHandler {
  constructor(private readonly decisions: AccessDecisions) {}

  execute(p: AuthorizationRevokeAccess.Payload, actor: ActingUser | undefined): Promise<AuthorizationRevokeAccess.Result> {
    return this.decisions.close(Decisions.revoke, p, actor);
  }
}
