import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { NodeRegistryErrorCode, PhdmfError, requireActor, type ActingUser, type NodeRegistryGetApplication } from '@phdmf/contracts';
import { RegistryPolicy } from '../../domain/actor';
import { MembershipApplication } from '../../domain/application';

@Injectable()
export class GetApplicationHandler {
  constructor(private readonly orm: MikroORM) {}

  async execute(p: NodeRegistryGetApplication.Payload, actor: ActingUser | undefined): Promise<NodeRegistryGetApplication.Result> {
    const who = requireActor(actor);
    const a = await this.orm.em.fork().findOne(MembershipApplication, { id: p.applicationId });
    // Someone else's application answers like a missing one: ids cannot be probed.
    if (!a || !RegistryPolicy.mayReadApplication(who, a.applicantUserId)) {
      throw new PhdmfError(NodeRegistryErrorCode.APPLICATION_NOT_FOUND, 'No such application', { applicationId: p.applicationId });
    }
    return a.toView();
  }
}
