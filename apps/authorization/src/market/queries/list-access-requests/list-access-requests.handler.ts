import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM, type FilterObject } from '@mikro-orm/core';
import { AuthorizationListAccessRequests, PageRequest, requireActor, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { findPage, withinTime } from '@phdmf/persistence';
import { AccessRequest } from '../../domain/access-request';
import { forbidden, MarketPolicy } from '../../domain/actor';

/**
 * `mine`: the caller's own requests. `incoming`: the requests on datasets the caller's institution
 * owns — for its institution-admins and members only; the institution is always the caller's own,
 * never a parameter, so nobody lists another institution's requests. Newest first, a page at a time
 * (a keyset query on (requestedAt, requestId)).
 */
@Controller()
export class ListAccessRequestsHandler {
  constructor(private readonly orm: MikroORM) {}

  @HandleRequest(AuthorizationListAccessRequests.CONTRACT)
  async execute(@Payload() p: AuthorizationListAccessRequests.Payload, @Actor() actor: ActingUser | undefined): Promise<AuthorizationListAccessRequests.Result> {
    const who = requireActor(actor);
    const scope = p.scope ?? 'mine';
    const page = PageRequest.of('access-requests', p, { scope, status: p.status, datasetId: p.datasetId, from: p.from, to: p.to });
    const where: FilterObject<AccessRequest> = { ...withinTime<AccessRequest>('requestedAt', p) };
    if (scope === 'mine') {
      where.requester = who.userId;
    } else {
      if (!MarketPolicy.isInstitutionStaff(who) || who.organisationId === undefined) {
        throw forbidden('Only the admins and members of an institution see the requests it receives');
      }
      where.ownerMemberId = who.organisationId;
    }
    if (p.status !== undefined) where.status = p.status;
    if (p.datasetId !== undefined) where.datasetId = p.datasetId;
    const { rows, nextCursor, total } = await findPage(this.orm.em.fork(), AccessRequest, where, { at: 'requestedAt', id: 'requestId' }, page);
    return { items: rows.map((r) => r.toView()), nextCursor, total };
  }
}
