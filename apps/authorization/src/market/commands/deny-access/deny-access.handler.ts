import { Injectable } from '@nestjs/common';
import { LedgerDenyAccess, type ActingUser, type AuthorizationDenyAccess } from '@phdmf/contracts';
import { MessageBus } from '@phdmf/messaging';
import { AuthorizationConfig } from '../../../config';
import { AccessDecisions, Decisions } from '../../application/access-decisions';

/** The owner's staff deny a pending request, with a reason; shown denied once committed. */
@Injectable()
export class DenyAccessHandler {
  constructor(
    private readonly decisions: AccessDecisions,
    private readonly bus: MessageBus,
    private readonly config: AuthorizationConfig,
  ) {}

  execute(p: AuthorizationDenyAccess.Payload, actor: ActingUser | undefined): Promise<AuthorizationDenyAccess.Result> {
    return this.decisions.decide(p.requestId, actor, Decisions.deny, (signer, operator) =>
      this.bus.request(LedgerDenyAccess.CONTRACT, { requestId: p.requestId, operator, reason: p.reason }, { actor: signer, timeoutMs: this.config.LEDGER_COMMAND_TIMEOUT_MS }),
    );
  }
}
