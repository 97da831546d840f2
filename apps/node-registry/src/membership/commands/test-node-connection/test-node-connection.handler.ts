import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { NodeRegistryErrorCode, NodeRegistryTestNodeConnection, PhdmfError, requireActor, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { forbidden, RegistryPolicy } from '../../domain/actor';
import { Institution } from '../../domain/institution';
import { StorageNodeProbe } from '../../infrastructure/storage-node-probe';

/** Probes the node now, records the outcome (and the heartbeat when it answered), and returns it. */
@Controller()
export class TestNodeConnectionHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly probe: StorageNodeProbe,
  ) {}

  @HandleRequest(NodeRegistryTestNodeConnection.CONTRACT)
  async execute(@Payload() p: NodeRegistryTestNodeConnection.Payload, @Actor() actor: ActingUser | undefined): Promise<NodeRegistryTestNodeConnection.Result> {
    const who = requireActor(actor);
    if (!RegistryPolicy.mayTestNode(who, p.memberId)) throw forbidden('Only the institution\'s admin or the consortium admin may test its node');
    const em = this.orm.em.fork();
    const institution = await em.findOne(Institution, { memberId: p.memberId });
    if (!institution) throw new PhdmfError(NodeRegistryErrorCode.INSTITUTION_NOT_FOUND, 'No such institution', { memberId: p.memberId });
    const result = await this.probe.probe(institution);
    institution.recordTest(result);
    await em.flush();
    return result;
  }
}
