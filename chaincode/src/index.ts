// Entry point for fabric-chaincode-node (`module.exports.contracts`) and for in-process use by the
// embedded ledger. The first contract is Fabric's default; clients always name the contract.
import { AccessContract } from './access.contract';
import { AuditContract } from './audit.contract';
import { BudgetContract } from './budget.contract';
import { ConsortiumContract } from './consortium.contract';
import { DatasetContract } from './dataset.contract';

export { AccessContract } from './access.contract';
export { AuditContract } from './audit.contract';
export { BudgetContract } from './budget.contract';
export { ConsortiumContract } from './consortium.contract';
export { DatasetContract } from './dataset.contract';
export { ChaincodeError, ChaincodeErrorCode, parseChaincodeError, type ChaincodeErrorBody } from './errors';
export { ChaincodeEvent } from './events';
export { ObjectType } from './keys';
export { KEYED_FIELD } from './keyed-commits';
export { marshal, unmarshal } from './marshal';
export { ContractName } from './names';
export { grantCoversVersion } from './grants';
export * from './records';
export { ID_PATTERN, isSafeText, Limits, parseIsoTime, PEM_PATTERN, URL_PATTERN } from './validation';

/** The contracts fabric-contract-api serves from this package. */
export const contracts = [ConsortiumContract, DatasetContract, AccessContract, AuditContract, BudgetContract];
