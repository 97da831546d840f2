import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuthorizationDenyAccess, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { AccessDecisions, Decisions } from '../../application/access-decisions';

/** The owner's staff deny a pending request, with a reason; shown denied once committed. */
@Controller()
export class DenyAccessHandler {
  constructor(private readonly decisions: AccessDecisions) {}

  @HandleRequest(AuthorizationDenyAccess.CONTRACT)
  execute(@Payload() p: AuthorizationDenyAccess.Payload, @Actor() actor: ActingUser | undefined): Promise<AuthorizationDenyAccess.Result> {
    return this.decisions.close(Decisions.deny, p, actor);
  }
}
