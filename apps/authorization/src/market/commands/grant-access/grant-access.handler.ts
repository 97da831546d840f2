import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuthorizationGrantAccess, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { AccessDecisions, assertComplete, assertNarrowing, Decisions } from '../../application/access-decisions';

/** The owner's staff grant a pending request, possibly narrowed; shown granted once committed. */
@Controller()
export class GrantAccessHandler {
  constructor(private readonly decisions: AccessDecisions) {}

  @HandleRequest(AuthorizationGrantAccess.CONTRACT)
  execute(@Payload() p: AuthorizationGrantAccess.Payload, @Actor() actor: ActingUser | undefined): Promise<AuthorizationGrantAccess.Result> {
    return this.decisions.decide(p.requestId, actor, Decisions.grant, (operator, request) => {
      assertNarrowing(request.record(), p);
      assertComplete(p);
      return {
        requestId: p.requestId,
        operator,
        ...(p.columns !== undefined ? { columns: p.columns } : {}),
        ...(p.statistics !== undefined ? { statistics: p.statistics } : {}),
        ...(p.expiresAt !== undefined ? { expiresAt: p.expiresAt } : {}),
        ...(p.reason !== undefined ? { reason: p.reason } : {}),
        ...(p.followsUpdates !== undefined ? { followsUpdates: p.followsUpdates } : {}),
        ...(p.privacyMode !== undefined ? { privacyMode: p.privacyMode } : {}),
        ...(p.budgetRho !== undefined ? { budgetRho: p.budgetRho } : {}),
      };
    });
  }
}
