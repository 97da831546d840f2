import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { PageRequest, requireActor, type ActingUser } from '@phdmf/contracts';
import type { NodeRegistryListApplications } from '@phdmf/contracts';
import { findPage, withinTime } from '@phdmf/persistence';
import { RegistryPolicy } from '../../domain/actor';
import { MembershipApplication } from '../../domain/application';

/** The consortium admin sees every application; anyone else only their own. Newest first, a page at a time (keyset on (submittedAt, id)). */
@Injectable()
export class ListApplicationsHandler {
  constructor(private readonly orm: MikroORM) {}

  async execute(p: NodeRegistryListApplications.Payload, actor: ActingUser | undefined): Promise<NodeRegistryListApplications.Result> {
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
