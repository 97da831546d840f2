import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuthorizationRevokeAccess, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { AccessDecisions, Decisions } from '../../application/access-decisions';

/** The owner's staff revoke a granted request, with a reason; shown revoked once committed. */
@Controller()
export class RevokeAccessHandler {
  constructor(private readonly decisions: AccessDecisions) {}

  @HandleRequest(AuthorizationRevokeAccess.CONTRACT)
  execute(@Payload() p: AuthorizationRevokeAccess.Payload, @Actor() actor: ActingUser | undefined): Promise<AuthorizationRevokeAccess.Result> {
    return this.decisions.close(Decisions.revoke, p, actor);
  }
}
