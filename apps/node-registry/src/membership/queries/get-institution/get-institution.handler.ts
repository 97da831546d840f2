import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { LedgerGetMember, NodeRegistryErrorCode, PhdmfError, requireActor, type ActingUser, type NodeRegistryGetInstitution } from '@phdmf/contracts';
import { MessageBus } from '@phdmf/messaging';
import { Institution } from '../../domain/institution';

@Injectable()
export class GetInstitutionHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly bus: MessageBus,
  ) {}

  async execute(p: NodeRegistryGetInstitution.Payload, actor: ActingUser | undefined): Promise<NodeRegistryGetInstitution.Result> {
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
