// The ledger service's wire contracts: commands for every chaincode write, queries over the chain,
// and one durable event per chaincode event. Namespaces carry SUBJECT, Payload, Result and CONTRACT.
export * from './lib/records';
export * from './lib/chain';
export * from './lib/errors';
export { settle, SETTLE_POLL_MS } from './lib/settle';
export * from './lib/visibility';
export { LedgerChainEventPayload, ledgerEventId } from './lib/chain-event';
export { DatasetVersionFields } from './lib/dataset-version';
export { grantCoversVersion } from './lib/grant-version';
export { IsLedgerId, IsLedgerText, LEDGER_ID_PATTERN, LedgerLimits } from './lib/validation';
export { ledgerNodeContract, ledgerNodeContracts, nodeOfLedgerSubject } from './lib/node-bound';
export { LEDGER_EVENTS, type LedgerEventName } from './events/all-events';

export * as LedgerAddDataset from './commands/add-dataset';
export * as LedgerAdmitMember from './commands/admit-member';
export * as LedgerDeleteDataset from './commands/delete-dataset';
export * as LedgerDenyAccess from './commands/deny-access';
export * as LedgerGrantAccess from './commands/grant-access';
export * as LedgerRecordAnalysis from './commands/record-analysis';
export * as LedgerRecordTamperFinding from './commands/record-tamper-finding';
export * as LedgerRejectMember from './commands/reject-member';
export * as LedgerRequestAccess from './commands/request-access';
export * as LedgerRevokeAccess from './commands/revoke-access';
export * as LedgerSetDatasetStance from './commands/set-dataset-stance';
export * as LedgerUpdateDataset from './commands/update-dataset';
export * as LedgerUpdateNode from './commands/update-node';

export * as LedgerCheckAccess from './queries/check-access';
export * as LedgerGetAccessRequest from './queries/get-access-request';
export * as LedgerGetAnalysis from './queries/get-analysis';
export * as LedgerGetBlock from './queries/get-block';
export * as LedgerGetChainInfo from './queries/get-chain-info';
export * as LedgerGetDataset from './queries/get-dataset';
export * as LedgerGetDatasetHistory from './queries/get-dataset-history';
export * as LedgerGetMember from './queries/get-member';
export * as LedgerGetProvenance from './queries/get-provenance';
export * as LedgerGetTransaction from './queries/get-transaction';
export * as LedgerListDatasets from './queries/list-datasets';
export * as LedgerListMembers from './queries/list-members';
export * as LedgerVerifyChain from './queries/verify-chain';

export * as LedgerConsortiumInitialized from './events/consortium-initialized';
export * as LedgerMemberAdmitted from './events/member-admitted';
export * as LedgerMemberRejected from './events/member-rejected';
export * as LedgerNodeUpdated from './events/node-updated';
export * as LedgerDatasetAdded from './events/dataset-added';
export * as LedgerDatasetUpdated from './events/dataset-updated';
export * as LedgerDatasetDeleted from './events/dataset-deleted';
export * as LedgerDatasetStanceSet from './events/dataset-stance-set';
export * as LedgerAccessRequested from './events/access-requested';
export * as LedgerAccessGranted from './events/access-granted';
export * as LedgerAccessDenied from './events/access-denied';
export * as LedgerAccessRevoked from './events/access-revoked';
export * as LedgerAnalysisRecorded from './events/analysis-recorded';
export * as LedgerTamperDetected from './events/tamper-detected';
