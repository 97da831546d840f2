import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { LedgerUpdateNode, NodeRegistryErrorCode, NodeRegistryUpdateNode, PhdmfError, requireActor, type ActingUser } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { Actor, HandleRequest, MessageBus } from '@phdmf/messaging';
import { NodeRegistryConfig } from '../../../config';
import { LOGGER } from '../../../registry.tokens';
import { forbidden, RegistryPolicy } from '../../domain/actor';
import { Institution } from '../../domain/institution';

/**
 * The institution's admin changes its node. The ledger signs the update with the admin's own
 * organisation (from the actor header), so the chaincode itself refuses a change to another
 * member's node; the registry applies the change only after commit. Once committed, the change is
 * answered as done even if the registry's own copy cannot be written now: the chain is the truth,
 * and the NodeUpdated event brings the copy up to date (it is redelivered until it is applied).
 */
@Controller()
export class UpdateNodeHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly bus: MessageBus,
    private readonly config: NodeRegistryConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @HandleRequest(NodeRegistryUpdateNode.CONTRACT)
  async execute(@Payload() p: NodeRegistryUpdateNode.Payload, @Actor() actor: ActingUser | undefined): Promise<NodeRegistryUpdateNode.Result> {
    const who = requireActor(actor);
    if (!RegistryPolicy.mayConfigureNode(who, p.memberId)) throw forbidden('Only the institution\'s own admin may change its node');
    const em = this.orm.em.fork();
    const institution = await em.findOne(Institution, { memberId: p.memberId });
    if (!institution) throw new PhdmfError(NodeRegistryErrorCode.INSTITUTION_NOT_FOUND, 'No such institution', { memberId: p.memberId });
    if (p.nodeId !== institution.nodeId && (await em.count(Institution, { nodeId: p.nodeId })) > 0) {
      throw new PhdmfError(NodeRegistryErrorCode.NODE_ID_TAKEN, `Node id ${p.nodeId} is already in use`, { nodeId: p.nodeId });
    }
    const committed = await this.bus.request(
      LedgerUpdateNode.CONTRACT,
      { memberId: p.memberId, nodeId: p.nodeId, nodePublicKey: p.nodePublicKey, endpoint: p.endpoint },
      { timeoutMs: this.config.LEDGER_COMMAND_TIMEOUT_MS },
    );
    institution.applyNodeUpdate(committed.record, committed.txId, committed.blockNumber);
    try {
      await em.flush();
    } catch (error) {
      this.logger.warn({ err: error, memberId: p.memberId, txId: committed.txId }, 'node change committed on-chain but not yet in the registry; the NodeUpdated event will apply it');
    }
    return institution.toView({ record: committed.record });
  }
}
