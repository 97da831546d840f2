import { Module, type Provider, type Type } from '@nestjs/common';
import { AccessDecisions } from './application/access-decisions';
import { DenyAccessHandler } from './commands/deny-access/deny-access.handler';
import { GrantAccessHandler } from './commands/grant-access/grant-access.handler';
import { RequestAccessHandler } from './commands/request-access/request-access.handler';
import { RevokeAccessHandler } from './commands/revoke-access/revoke-access.handler';
import { SetStanceHandler } from './commands/set-stance/set-stance.handler';
import { AccessRecordedHandler } from './events/access-recorded.handler';
import { DatasetRecordedHandler } from './events/dataset-recorded.handler';
import { MemberAdmittedHandler } from './events/member-admitted.handler';
import { TamperDetectedHandler } from './events/tamper-detected.handler';
import { Catalogue } from './infrastructure/catalogue';
import { LedgerCatchUp } from './infrastructure/ledger-catch-up';
import { LedgerClient } from './infrastructure/ledger-client';
import { Projection } from './infrastructure/projection';
import { GetAccessRequestHandler } from './queries/get-access-request/get-access-request.handler';
import { GetMarketEntryHandler } from './queries/get-market-entry/get-market-entry.handler';
import { ListAccessRequestsHandler } from './queries/list-access-requests/list-access-requests.handler';
import { SearchMarketHandler } from './queries/search-market/search-market.handler';

const commandHandlers: Type[] = [SetStanceHandler, RequestAccessHandler, GrantAccessHandler, DenyAccessHandler, RevokeAccessHandler];
const queryHandlers: Type[] = [SearchMarketHandler, GetMarketEntryHandler, ListAccessRequestsHandler, GetAccessRequestHandler];
const eventHandlers: Provider[] = [MemberAdmittedHandler, DatasetRecordedHandler, TamperDetectedHandler, AccessRecordedHandler];
const application: Provider[] = [AccessDecisions];
const infrastructure: Provider[] = [Projection, LedgerClient, Catalogue, LedgerCatchUp];

/** The data market (a projection of committed ledger events), the owners' stances, and access decisions on-chain. */
@Module({
  controllers: [...commandHandlers, ...queryHandlers],
  providers: [...eventHandlers, ...application, ...infrastructure],
})
export class MarketModule {}
