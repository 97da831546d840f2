import { Injectable } from '@nestjs/common';
import { MikroORM, type FilterQuery } from '@mikro-orm/core';
import { requireActor, type ActingUser } from '@phdmf/contracts';
import type { AuthorizationListAccessRequests } from '@phdmf/contracts';
import { AccessRequest } from '../../domain/access-request';
import { forbidden, MarketPolicy } from '../../domain/actor';

/** Longest list answered; the newest requests first. */
export const MAX_LISTED_REQUESTS = 1_000;

/**
 * `mine`: the caller's own requests. `incoming`: the requests on datasets the caller's institution
 * owns — for its institution-admins and members only; the institution is always the caller's own,
 * never a parameter, so nobody lists another institution's requests.
 */
@Injectable()
export class ListAccessRequestsHandler {
  constructor(private readonly orm: MikroORM) {}

  async execute(p: AuthorizationListAccessRequests.Payload, actor: ActingUser | undefined): Promise<AuthorizationListAccessRequests.Result> {
    const who = requireActor(actor);
    const where: FilterQuery<AccessRequest> = {};
    if (p.scope === 'mine') {
      where.requester = who.userId;
    } else {
      if (!MarketPolicy.isInstitutionStaff(who) || who.organisationId === undefined) {
        throw forbidden('Only the admins and members of an institution see the requests it receives');
      }
      where.ownerMemberId = who.organisationId;
    }
    if (p.status !== undefined) where.status = p.status;
    if (p.datasetId !== undefined) where.datasetId = p.datasetId;
    const requests = await this.orm.em.fork().find(AccessRequest, where, { orderBy: [{ requestedAt: 'desc' }, { requestId: 'asc' }], limit: MAX_LISTED_REQUESTS });
    return { items: requests.map((r) => r.toView()) };
  }
}
