import { Controller } from '@nestjs/common';
import {
  NodeRegistryAdmitApplication,
  NodeRegistryApplyForMembership,
  NodeRegistryGetApplication,
  NodeRegistryGetInstitution,
  NodeRegistryListApplications,
  NodeRegistryListInstitutions,
  NodeRegistryRejectApplication,
  NodeRegistryTestNodeConnection,
  NodeRegistryUpdateNode,
  type ActingUser,
} from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import { HandleRequest } from '@phdmf/messaging';
import { AdmitApplicationHandler } from '../commands/admit-application/admit-application.handler';
import { ApplyForMembershipHandler } from '../commands/apply-for-membership/apply-for-membership.handler';
import { RejectApplicationHandler } from '../commands/reject-application/reject-application.handler';
import { TestNodeConnectionHandler } from '../commands/test-node-connection/test-node-connection.handler';
import { UpdateNodeHandler } from '../commands/update-node/update-node.handler';
import { GetApplicationHandler } from '../queries/get-application/get-application.handler';
import { GetInstitutionHandler } from '../queries/get-institution/get-institution.handler';
import { ListApplicationsHandler } from '../queries/list-applications/list-applications.handler';
import { ListInstitutionsHandler } from '../queries/list-institutions/list-institutions.handler';

function actor(): ActingUser | undefined {
  return Correlation.current()?.actor;
}

/** The node-registry's NATS edge: each contract to its handler, the actor taken from the headers. */
@Controller()
export class NodeRegistryMessageController {
  constructor(
    private readonly apply: ApplyForMembershipHandler,
    private readonly admit: AdmitApplicationHandler,
    private readonly reject: RejectApplicationHandler,
    private readonly updateNode: UpdateNodeHandler,
    private readonly testConnection: TestNodeConnectionHandler,
    private readonly listApplications: ListApplicationsHandler,
    private readonly getApplication: GetApplicationHandler,
    private readonly listInstitutions: ListInstitutionsHandler,
    private readonly getInstitution: GetInstitutionHandler,
  ) {}

  @HandleRequest(NodeRegistryApplyForMembership.CONTRACT)
  onApply(p: NodeRegistryApplyForMembership.Payload) {
    return this.apply.execute(p, actor());
  }

  @HandleRequest(NodeRegistryAdmitApplication.CONTRACT)
  onAdmit(p: NodeRegistryAdmitApplication.Payload) {
    return this.admit.execute(p, actor());
  }

  @HandleRequest(NodeRegistryRejectApplication.CONTRACT)
  onReject(p: NodeRegistryRejectApplication.Payload) {
    return this.reject.execute(p, actor());
  }

  @HandleRequest(NodeRegistryUpdateNode.CONTRACT)
  onUpdateNode(p: NodeRegistryUpdateNode.Payload) {
    return this.updateNode.execute(p, actor());
  }

  @HandleRequest(NodeRegistryTestNodeConnection.CONTRACT)
  onTestConnection(p: NodeRegistryTestNodeConnection.Payload) {
    return this.testConnection.execute(p, actor());
  }

  @HandleRequest(NodeRegistryListApplications.CONTRACT)
  onListApplications(p: NodeRegistryListApplications.Payload) {
    return this.listApplications.execute(p, actor());
  }

  @HandleRequest(NodeRegistryGetApplication.CONTRACT)
  onGetApplication(p: NodeRegistryGetApplication.Payload) {
    return this.getApplication.execute(p, actor());
  }

  @HandleRequest(NodeRegistryListInstitutions.CONTRACT)
  onListInstitutions(p: NodeRegistryListInstitutions.Payload) {
    return this.listInstitutions.execute(p, actor());
  }

  @HandleRequest(NodeRegistryGetInstitution.CONTRACT)
  onGetInstitution(p: NodeRegistryGetInstitution.Payload) {
    return this.getInstitution.execute(p, actor());
  }
}
