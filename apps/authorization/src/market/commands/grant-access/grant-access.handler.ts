import { Injectable } from '@nestjs/common';
import { LedgerGrantAccess, type AuthorizationGrantAccess } from '@phdmf/contracts';
import { MessageBus } from '@phdmf/messaging';
import { AuthorizationConfig } from '../../../config';
import { AccessDecisions, assertComplete, assertNarrowing, Decisions } from '../../application/access-decisions';
import type { ActingUser } from '../../domain/actor';

/** The owner's staff grant a pending request, possibly narrowed; shown granted once committed. */
@Injectable()
export class GrantAccessHandler {
  constructor(
    private readonly decisions: AccessDecisions,
    private readonly bus: MessageBus,
    private readonly config: AuthorizationConfig,
  ) {}

  execute(p: AuthorizationGrantAccess.Payload, actor: ActingUser | undefined): Promise<AuthorizationGrantAccess.Result> {
    return this.decisions.decide(p.requestId, actor, Decisions.grant, (signer, operator, request) => {
      assertNarrowing(request.record(), p);
      assertComplete(p);
      return this.bus.request(
        LedgerGrantAccess.CONTRACT,
        {
          requestId: p.requestId,
          operator,
          ...(p.columns !== undefined ? { columns: p.columns } : {}),
          ...(p.statistics !== undefined ? { statistics: p.statistics } : {}),
          ...(p.expiresAt !== undefined ? { expiresAt: p.expiresAt } : {}),
          ...(p.reason !== undefined ? { reason: p.reason } : {}),
          ...(p.followsUpdates !== undefined ? { followsUpdates: p.followsUpdates } : {}),
          ...(p.privacyMode !== undefined ? { privacyMode: p.privacyMode } : {}),
          ...(p.budgetRho !== undefined ? { budgetRho: p.budgetRho } : {}),
        },
        { actor: signer, timeoutMs: this.config.LEDGER_COMMAND_TIMEOUT_MS },
      );
    });
  }
}
