import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { requireActor, type ActingUser } from '@phdmf/contracts';
import type { NodeRegistryListApplications } from '@phdmf/contracts';
import { RegistryPolicy } from '../../domain/actor';
import { MembershipApplication } from '../../domain/application';

/** The consortium admin sees every application; anyone else only their own. */
@Injectable()
export class ListApplicationsHandler {
  constructor(private readonly orm: MikroORM) {}

  async execute(p: NodeRegistryListApplications.Payload, actor: ActingUser | undefined): Promise<NodeRegistryListApplications.Result> {
    const who = requireActor(actor);
    const where = {
      ...(p.status ? { status: p.status } : {}),
      ...(RegistryPolicy.isConsortiumAdmin(who) ? {} : { applicantUserId: who.userId }),
    };
    const rows = await this.orm.em.fork().find(MembershipApplication, where, { orderBy: { submittedAt: 'desc' }, limit: 500 });
    return { applications: rows.map((a) => a.toView()) };
  }
}
