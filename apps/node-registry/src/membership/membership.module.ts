import { Module, type Provider, type Type } from '@nestjs/common';
import { AdmitApplicationHandler } from './commands/admit-application/admit-application.handler';
import { ApplyForMembershipHandler } from './commands/apply-for-membership/apply-for-membership.handler';
import { RejectApplicationHandler } from './commands/reject-application/reject-application.handler';
import { TestNodeConnectionHandler } from './commands/test-node-connection/test-node-connection.handler';
import { UpdateNodeHandler } from './commands/update-node/update-node.handler';
import { MemberAdmittedHandler } from './events/member-admitted.handler';
import { MemberRejectedHandler } from './events/member-rejected.handler';
import { NodeUpdatedHandler } from './events/node-updated.handler';
import { InstitutionAdminAppointer } from './infrastructure/accounts-client';
import { Admissions } from './infrastructure/admissions';
import { HeartbeatMonitor } from './infrastructure/heartbeat-monitor';
import { LedgerClient } from './infrastructure/ledger-client';
import { StorageNodeProbe } from './infrastructure/storage-node-probe';
import { GetApplicationHandler } from './queries/get-application/get-application.handler';
import { GetInstitutionHandler } from './queries/get-institution/get-institution.handler';
import { ListApplicationsHandler } from './queries/list-applications/list-applications.handler';
import { ListInstitutionsHandler } from './queries/list-institutions/list-institutions.handler';

const commandHandlers: Type[] = [ApplyForMembershipHandler, AdmitApplicationHandler, RejectApplicationHandler, UpdateNodeHandler, TestNodeConnectionHandler];
const queryHandlers: Type[] = [ListApplicationsHandler, GetApplicationHandler, ListInstitutionsHandler, GetInstitutionHandler];
const eventHandlers: Provider[] = [MemberAdmittedHandler, MemberRejectedHandler, NodeUpdatedHandler];
const infrastructure: Provider[] = [StorageNodeProbe, InstitutionAdminAppointer, Admissions, LedgerClient, HeartbeatMonitor];

/** Membership applications, admission on-chain, node configuration and connection tests. */
@Module({
  controllers: [...commandHandlers, ...queryHandlers],
  providers: [...eventHandlers, ...infrastructure],
})
export class MembershipModule {}
