import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { LedgerRejectMember, NodeRegistryErrorCode, NodeRegistryRejectApplication, PhdmfError, requireActor, type ActingUser } from '@phdmf/contracts';
import { Actor, firstKeyedCommit, HandleRequest, MessageBus } from '@phdmf/messaging';
import { NodeRegistryConfig } from '../../../config';
import { forbidden, RegistryPolicy } from '../../domain/actor';
import { MembershipApplication } from '../../domain/application';

/** A rejection is recorded on-chain too, so the decision is as auditable as an admission. */
@Controller()
export class RejectApplicationHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly bus: MessageBus,
    private readonly config: NodeRegistryConfig,
  ) {}

  @HandleRequest(NodeRegistryRejectApplication.CONTRACT)
  async execute(@Payload() p: NodeRegistryRejectApplication.Payload, @Actor() actor: ActingUser | undefined): Promise<NodeRegistryRejectApplication.Result> {
    const who = requireActor(actor);
    if (!RegistryPolicy.mayDecide(who)) throw forbidden('Only the consortium admin rejects applications');
    const em = this.orm.em.fork();
    const application = await em.findOne(MembershipApplication, { id: p.applicationId });
    if (!application) throw new PhdmfError(NodeRegistryErrorCode.APPLICATION_NOT_FOUND, 'No such application', { applicationId: p.applicationId });
    // A retry (same Idempotency-Key) of a rejection that committed: the first answer, not a conflict.
    const replayed = await firstKeyedCommit(this.bus, LedgerRejectMember.CONTRACT);
    if (replayed !== undefined && application.status === 'rejected') return application.toView();
    if (replayed === undefined) application.assertPending();
    const committed = replayed ?? await this.bus.request(
      LedgerRejectMember.CONTRACT,
      { memberId: application.memberId, name: application.name, mspId: application.mspId, reason: p.reason },
      { timeoutMs: this.config.LEDGER_COMMAND_TIMEOUT_MS },
    );
    application.recordDecision('rejected', { txId: committed.txId, blockNumber: committed.blockNumber, at: new Date(committed.record.decidedAt), by: who.userId, reason: p.reason });
    await em.flush();
    return application.toView();
  }
}
