import { Controller } from '@nestjs/common';
import {
  AuthorizationDenyAccess,
  AuthorizationGetAccessRequest,
  AuthorizationGetMarketEntry,
  AuthorizationGrantAccess,
  AuthorizationListAccessRequests,
  AuthorizationRequestAccess,
  AuthorizationRevokeAccess,
  AuthorizationSearchMarket,
  AuthorizationSetStance,
  type ActingUser,
} from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import { HandleRequest } from '@phdmf/messaging';
import { DenyAccessHandler } from '../commands/deny-access/deny-access.handler';
import { GrantAccessHandler } from '../commands/grant-access/grant-access.handler';
import { RequestAccessHandler } from '../commands/request-access/request-access.handler';
import { RevokeAccessHandler } from '../commands/revoke-access/revoke-access.handler';
import { SetStanceHandler } from '../commands/set-stance/set-stance.handler';
import { GetAccessRequestHandler } from '../queries/get-access-request/get-access-request.handler';
import { GetMarketEntryHandler } from '../queries/get-market-entry/get-market-entry.handler';
import { ListAccessRequestsHandler } from '../queries/list-access-requests/list-access-requests.handler';
import { SearchMarketHandler } from '../queries/search-market/search-market.handler';

function actor(): ActingUser | undefined {
  return Correlation.current()?.actor;
}

/** The authorization service's NATS edge: each contract to its handler, the actor taken from the headers. */
@Controller()
export class AuthorizationMessageController {
  constructor(
    private readonly search: SearchMarketHandler,
    private readonly getEntry: GetMarketEntryHandler,
    private readonly setStance: SetStanceHandler,
    private readonly requestAccess: RequestAccessHandler,
    private readonly grantAccess: GrantAccessHandler,
    private readonly denyAccess: DenyAccessHandler,
    private readonly revokeAccess: RevokeAccessHandler,
    private readonly listRequests: ListAccessRequestsHandler,
    private readonly getRequest: GetAccessRequestHandler,
  ) {}

  @HandleRequest(AuthorizationSearchMarket.CONTRACT)
  onSearch(p: AuthorizationSearchMarket.Payload) {
    return this.search.execute(p, actor());
  }

  @HandleRequest(AuthorizationGetMarketEntry.CONTRACT)
  onGetEntry(p: AuthorizationGetMarketEntry.Payload) {
    return this.getEntry.execute(p, actor());
  }

  @HandleRequest(AuthorizationSetStance.CONTRACT)
  onSetStance(p: AuthorizationSetStance.Payload) {
    return this.setStance.execute(p, actor());
  }

  @HandleRequest(AuthorizationRequestAccess.CONTRACT)
  onRequestAccess(p: AuthorizationRequestAccess.Payload) {
    return this.requestAccess.execute(p, actor());
  }

  @HandleRequest(AuthorizationGrantAccess.CONTRACT)
  onGrant(p: AuthorizationGrantAccess.Payload) {
    return this.grantAccess.execute(p, actor());
  }

  @HandleRequest(AuthorizationDenyAccess.CONTRACT)
  onDeny(p: AuthorizationDenyAccess.Payload) {
    return this.denyAccess.execute(p, actor());
  }

  @HandleRequest(AuthorizationRevokeAccess.CONTRACT)
  onRevoke(p: AuthorizationRevokeAccess.Payload) {
    return this.revokeAccess.execute(p, actor());
  }

  @HandleRequest(AuthorizationListAccessRequests.CONTRACT)
  onListRequests(p: AuthorizationListAccessRequests.Payload) {
    return this.listRequests.execute(p, actor());
  }

  @HandleRequest(AuthorizationGetAccessRequest.CONTRACT)
  onGetRequest(p: AuthorizationGetAccessRequest.Payload) {
    return this.getRequest.execute(p, actor());
  }
}
