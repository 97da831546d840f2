// Which chaincode transaction each ledger command submits: the one table the commands' controller
// submits by (ledger-commands.controller.ts) and the keyed-commit query reads (a service asks what a
// keyed command committed by naming the command it sent, LedgerGetKeyedCommit).
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
import type { TransactionName } from '../chaincode/chaincode-client';
import { ContractName, type AccessContract, type AuditContract, type BudgetContract, type ConsortiumContract, type DatasetContract } from '../chaincode/phdmf-chaincode';

/** The contract classes by name (ChaincodeClient's typed clients carry the same names). */
export interface ContractsByName {
  consortium: ConsortiumContract;
  dataset: DatasetContract;
  access: AccessContract;
  audit: AuditContract;
  budget: BudgetContract;
}

/** A chaincode write: its contract and one of that contract's transaction functions. */
export type CommandTransaction = { [C in keyof ContractsByName]: { contract: C; fn: TransactionName<ContractsByName[C]> } }[keyof ContractsByName];

/** An entry, its function name checked against the contract class at compile time. */
const tx = <C extends keyof ContractsByName>(contract: C, fn: TransactionName<ContractsByName[C]>): CommandTransaction => ({ contract, fn }) as CommandTransaction;

export const TRANSACTION_OF_COMMAND: ReadonlyMap<string, CommandTransaction> = new Map([
  [LedgerAdmitMember.SUBJECT, tx(ContractName.Consortium, 'admitMember')],
  [LedgerRejectMember.SUBJECT, tx(ContractName.Consortium, 'rejectMember')],
  [LedgerUpdateNode.SUBJECT, tx(ContractName.Consortium, 'updateNode')],
  [LedgerAddDataset.SUBJECT, tx(ContractName.Dataset, 'addDataset')],
  [LedgerUpdateDataset.SUBJECT, tx(ContractName.Dataset, 'updateDataset')],
  [LedgerDeleteDataset.SUBJECT, tx(ContractName.Dataset, 'deleteDataset')],
  [LedgerSetDatasetStance.SUBJECT, tx(ContractName.Dataset, 'setStance')],
  [LedgerRequestAccess.SUBJECT, tx(ContractName.Access, 'requestAccess')],
  [LedgerGrantAccess.SUBJECT, tx(ContractName.Access, 'grantAccess')],
  [LedgerDenyAccess.SUBJECT, tx(ContractName.Access, 'denyAccess')],
  [LedgerRevokeAccess.SUBJECT, tx(ContractName.Access, 'revokeAccess')],
  [LedgerRecordAnalysis.SUBJECT, tx(ContractName.Audit, 'recordAnalysis')],
  [LedgerReserveBudget.SUBJECT, tx(ContractName.Budget, 'reserveBudget')],
  [LedgerReleaseReservation.SUBJECT, tx(ContractName.Budget, 'releaseReservation')],
  [LedgerRecordTamperFinding.SUBJECT, tx(ContractName.Audit, 'recordTamperFinding')],
]);
