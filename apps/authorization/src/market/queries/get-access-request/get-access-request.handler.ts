import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuthorizationErrorCode, AuthorizationGetAccessRequest, PhdmfError, requireActor, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { forbidden, MarketPolicy } from '../../domain/actor';
import { Catalogue } from '../../infrastructure/catalogue';

/** One access request, for its requester, the owner institution's staff, or a consortium admin. */
@Controller()
export class GetAccessRequestHandler {
  constructor(private readonly catalogue: Catalogue) {}

  @HandleRequest(AuthorizationGetAccessRequest.CONTRACT)
  async execute(@Payload() p: AuthorizationGetAccessRequest.Payload, @Actor() actor: ActingUser | undefined): Promise<AuthorizationGetAccessRequest.Result> {
    const who = requireActor(actor);
    const request = await this.catalogue.request(p.requestId);
    if (!request) throw new PhdmfError(AuthorizationErrorCode.REQUEST_NOT_FOUND, `No access request ${p.requestId}`, { requestId: p.requestId });
    if (!MarketPolicy.mayReadRequest(who, request)) throw forbidden('Only its requester and the owner institution\'s staff read an access request', { requestId: p.requestId });
    return request.toView();
  }
}
