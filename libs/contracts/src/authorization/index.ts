// The authorization service's wire contracts: the data market and access decisions. Namespaces
// carry SUBJECT, Payload, Result and CONTRACT.
export * from './lib/errors';
export * from './lib/views';

export * as AuthorizationSetStance from './commands/set-stance';
export * as AuthorizationRequestAccess from './commands/request-access';
export * as AuthorizationGrantAccess from './commands/grant-access';
export * as AuthorizationDenyAccess from './commands/deny-access';
export * as AuthorizationRevokeAccess from './commands/revoke-access';

export * as AuthorizationSearchMarket from './queries/search-market';
export * as AuthorizationGetMarketEntry from './queries/get-market-entry';
export * as AuthorizationListAccessRequests from './queries/list-access-requests';
export * as AuthorizationGetAccessRequest from './queries/get-access-request';
