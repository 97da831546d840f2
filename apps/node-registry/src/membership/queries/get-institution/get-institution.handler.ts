import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { LedgerGetMember, NodeRegistryErrorCode, NodeRegistryGetInstitution, PhdmfError, requireActor, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest, MessageBus } from '@phdmf/messaging';
import { Institution } from '../../domain/institution';

@Controller()
export class GetInstitutionHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly bus: MessageBus,
  ) {}

  @HandleRequest(NodeRegistryGetInstitution.CONTRACT)
  async execute(@Payload() p: NodeRegistryGetInstitution.Payload, @Actor() actor: ActingUser | undefined): Promise<NodeRegistryGetInstitution.Result> {
    requireActor(actor);
    const i = await this.orm.em.fork().findOne(Institution, { memberId: p.memberId });
    if (!i) throw new PhdmfError(NodeRegistryErrorCode.INSTITUTION_NOT_FOUND, 'No such institution', { memberId: p.memberId });
    try {
      return i.toView({ record: await this.bus.request(LedgerGetMember.CONTRACT, { memberId: p.memberId }) });
    } catch (error) {
      return i.toView({ error: error instanceof Error ? error.message : String(error) });
    }
  }
}
