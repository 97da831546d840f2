import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { NodeRegistryListApplications, PageRequest, requireActor, type ActingUser } from '@phdmf/contracts';
import { findPage, withinTime } from '@phdmf/persistence';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { RegistryPolicy } from '../../domain/actor';
import { MembershipApplication } from '../../domain/application';

/** The consortium admin sees every application; anyone else only their own. Newest first, a page at a time (keyset on (submittedAt, id)). */
@Controller()
export class ListApplicationsHandler {
  constructor(private readonly orm: MikroORM) {}

  @HandleRequest(NodeRegistryListApplications.CONTRACT)
  async execute(@Payload() p: NodeRegistryListApplications.Payload, @Actor() actor: ActingUser | undefined): Promise<NodeRegistryListApplications.Result> {
    const who = requireActor(actor);
    const page = PageRequest.of('membership-applications', p, { status: p.status, from: p.from, to: p.to });
    const where = {
      ...(p.status ? { status: p.status } : {}),
      ...(RegistryPolicy.isConsortiumAdmin(who) ? {} : { applicantUserId: who.userId }),
      ...withinTime<MembershipApplication>('submittedAt', p),
    };
    const { rows, nextCursor, total } = await findPage(this.orm.em.fork(), MembershipApplication, where, { at: 'submittedAt', id: 'id' }, page);
    return { items: rows.map((a) => a.toView()), nextCursor, total };
  }
}
