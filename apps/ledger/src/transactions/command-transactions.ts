// Which chaincode transaction each ledger command submits (ledger-commands.controller.ts), so that a
// service can ask what a keyed command committed by naming the command it sent (LedgerGetKeyedCommit).
import {
  LedgerAddDataset,
  LedgerAdmitMember,
  LedgerDeleteDataset,
  LedgerDenyAccess,
  LedgerGrantAccess,
  LedgerRecordAnalysis,
  LedgerRecordTamperFinding,
  LedgerRejectMember,
  LedgerReleaseReservation,
  LedgerReserveBudget,
  LedgerRequestAccess,
  LedgerRevokeAccess,
  LedgerSetDatasetStance,
  LedgerUpdateDataset,
  LedgerUpdateNode,
} from '@phdmf/contracts';
import { ContractName } from '../chaincode/phdmf-chaincode';

export const TRANSACTION_OF_COMMAND: ReadonlyMap<string, { contract: ContractName; fn: string }> = new Map([
  [LedgerAdmitMember.SUBJECT, { contract: ContractName.Consortium, fn: 'admitMember' }],
  [LedgerRejectMember.SUBJECT, { contract: ContractName.Consortium, fn: 'rejectMember' }],
  [LedgerUpdateNode.SUBJECT, { contract: ContractName.Consortium, fn: 'updateNode' }],
  [LedgerAddDataset.SUBJECT, { contract: ContractName.Dataset, fn: 'addDataset' }],
  [LedgerUpdateDataset.SUBJECT, { contract: ContractName.Dataset, fn: 'updateDataset' }],
  [LedgerDeleteDataset.SUBJECT, { contract: ContractName.Dataset, fn: 'deleteDataset' }],
  [LedgerSetDatasetStance.SUBJECT, { contract: ContractName.Dataset, fn: 'setStance' }],
  [LedgerRequestAccess.SUBJECT, { contract: ContractName.Access, fn: 'requestAccess' }],
  [LedgerGrantAccess.SUBJECT, { contract: ContractName.Access, fn: 'grantAccess' }],
  [LedgerDenyAccess.SUBJECT, { contract: ContractName.Access, fn: 'denyAccess' }],
  [LedgerRevokeAccess.SUBJECT, { contract: ContractName.Access, fn: 'revokeAccess' }],
  [LedgerRecordAnalysis.SUBJECT, { contract: ContractName.Audit, fn: 'recordAnalysis' }],
  [LedgerReserveBudget.SUBJECT, { contract: ContractName.Budget, fn: 'reserveBudget' }],
  [LedgerReleaseReservation.SUBJECT, { contract: ContractName.Budget, fn: 'releaseReservation' }],
  [LedgerRecordTamperFinding.SUBJECT, { contract: ContractName.Audit, fn: 'recordTamperFinding' }],
]);
