import { Injectable } from '@nestjs/common';
import type { ActingUser, AuthorizationDenyAccess } from '@phdmf/contracts';
import { AccessDecisions, Decisions } from '../../application/access-decisions';

/** The owner's staff deny a pending request, with a reason; shown denied once committed. */
@Injectable()
export class DenyAccessHandler {
  constructor(private readonly decisions: AccessDecisions) {}

  execute(p: AuthorizationDenyAccess.Payload, actor: ActingUser | undefined): Promise<AuthorizationDenyAccess.Result> {
    return this.decisions.close(Decisions.deny, p, actor);
  }
}
