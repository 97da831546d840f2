import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { NodeRegistryErrorCode, NodeRegistryGetApplication, PhdmfError, requireActor, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { RegistryPolicy } from '../../domain/actor';
import { MembershipApplication } from '../../domain/application';

@Controller()
export class GetApplicationHandler {
  constructor(private readonly orm: MikroORM) {}

  @HandleRequest(NodeRegistryGetApplication.CONTRACT)
  async execute(@Payload() p: NodeRegistryGetApplication.Payload, @Actor() actor: ActingUser | undefined): Promise<NodeRegistryGetApplication.Result> {
    const who = requireActor(actor);
    const a = await this.orm.em.fork().findOne(MembershipApplication, { id: p.applicationId });
    // Someone else's application answers like a missing one: ids cannot be probed.
    if (!a || !RegistryPolicy.mayReadApplication(who, a.applicantUserId)) {
      throw new PhdmfError(NodeRegistryErrorCode.APPLICATION_NOT_FOUND, 'No such application', { applicationId: p.applicationId });
    }
    return a.toView();
  }
}
