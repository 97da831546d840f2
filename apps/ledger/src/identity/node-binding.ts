// Which organisation a storage node may act for. A site sends its ledger commands on its node's own
// subject (`phdmf.ledger.node.<nodeId>.cmd.…`, the only ledger commands its NATS user may publish),
// so the subject says which node sent it; the actor header is the site's own word. Here the two
// must agree: the command is signed only if the actor belongs to the active member that registered
// that node, and never as the consortium. A compromised site cannot act for anyone else.
import { Inject, Injectable } from '@nestjs/common';
import { LedgerErrorCode, PhdmfError, type ActingUser } from '@phdmf/contracts';
import { ConsortiumContract, ContractName, type MemberRecord } from '../chaincode/phdmf-chaincode';
import { LEDGER_PORT, type LedgerPort } from '../ledger-port/ledger-port';
import { SigningIdentityResolver } from './signing-identity.resolver';

// The function name is checked against the contract class at compile time.
const LIST_MEMBERS: keyof ConsortiumContract = 'listMembers';

@Injectable()
export class NodeBinding {
  constructor(
    @Inject(LEDGER_PORT) private readonly ledger: LedgerPort,
    private readonly identities: SigningIdentityResolver,
  ) {}

  /**
   * Resolves when `actor` may act on `nodeId`'s subject; LEDGER.NODE_MISMATCH otherwise. Read from
   * the chain each time (a node may move to another endpoint or key, and sites write rarely).
   */
  async assertActsFor(nodeId: string | undefined, actor: ActingUser | undefined): Promise<void> {
    if (nodeId === undefined) throw mismatch('the subject names no storage node', {});
    if (actor === undefined) throw new PhdmfError(LedgerErrorCode.ACTOR_REQUIRED, 'a ledger transaction needs an acting user (Phdmf-Actor header)');
    if (this.identities.isGovernor(actor)) {
      throw mismatch(`a command on node ${nodeId}'s subject cannot act for the consortium (roles ${actor.roles.join(', ')})`, { nodeId });
    }
    const members = JSON.parse(await this.ledger.evaluate(this.identities.governor, ContractName.Consortium, LIST_MEMBERS, ['{}'])) as MemberRecord[];
    const owner = members.find((m) => m.status === 'active' && m.nodeId === nodeId);
    if (owner === undefined) throw mismatch(`no active member has registered node ${nodeId}`, { nodeId });
    if (owner.memberId !== actor.organisationId) {
      throw mismatch(`node ${nodeId} belongs to member ${owner.memberId}; it cannot act for ${actor.organisationId ?? 'no organisation'}`, { nodeId, organisationId: actor.organisationId });
    }
  }
}

function mismatch(message: string, details: Record<string, unknown>): PhdmfError {
  return new PhdmfError(LedgerErrorCode.NODE_MISMATCH, message, details);
}
