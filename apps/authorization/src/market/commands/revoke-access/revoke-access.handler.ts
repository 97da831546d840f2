import { Injectable } from '@nestjs/common';
import { LedgerRevokeAccess, type ActingUser, type AuthorizationRevokeAccess } from '@phdmf/contracts';
import { MessageBus } from '@phdmf/messaging';
import { AuthorizationConfig } from '../../../config';
import { AccessDecisions, Decisions } from '../../application/access-decisions';

/** The owner's staff revoke a granted request, with a reason; shown revoked once committed. */
@Injectable()
export class RevokeAccessHandler {
  constructor(
    private readonly decisions: AccessDecisions,
    private readonly bus: MessageBus,
    private readonly config: AuthorizationConfig,
  ) {}

  execute(p: AuthorizationRevokeAccess.Payload, actor: ActingUser | undefined): Promise<AuthorizationRevokeAccess.Result> {
    return this.decisions.decide(p.requestId, actor, Decisions.revoke, (signer, operator) =>
      this.bus.request(LedgerRevokeAccess.CONTRACT, { requestId: p.requestId, operator, reason: p.reason }, { actor: signer, timeoutMs: this.config.LEDGER_COMMAND_TIMEOUT_MS }),
    );
  }
}
