// The node-registry service's wire contracts. Namespaces carry SUBJECT, Payload, Result and CONTRACT.
export * from './lib/errors';
export * from './lib/views';

export * as NodeRegistryApplyForMembership from './commands/apply-for-membership';
export * as NodeRegistryAdmitApplication from './commands/admit-application';
export * as NodeRegistryRejectApplication from './commands/reject-application';
export * as NodeRegistryUpdateNode from './commands/update-node';
export * as NodeRegistryTestNodeConnection from './commands/test-node-connection';

export * as NodeRegistryListApplications from './queries/list-applications';
export * as NodeRegistryGetApplication from './queries/get-application';
export * as NodeRegistryListInstitutions from './queries/list-institutions';
export * as NodeRegistryGetInstitution from './queries/get-institution';
