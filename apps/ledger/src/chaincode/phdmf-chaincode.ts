// The ledger service's one door to the PHDMF chaincode package: every import of it goes through
// here, so that fabric-contract-api's load-time logging is quieted before the package loads,
// whichever file (main, a test, the bench) loads it first.
import './chaincode-logging';

export {
  AccessContract,
  AuditContract,
  BudgetContract,
  ChaincodeErrorCode,
  ChaincodeEvent,
  ConsortiumContract,
  ContractName,
  DatasetContract,
  ID_PATTERN,
  isSafeText,
  Limits,
  PEM_PATTERN,
  STATISTICS,
  MODEL_KINDS,
  DP_QUANTITIES,
  PRIVACY_MODES,
  URL_PATTERN,
  contracts,
  grantCoversVersion,
  parseChaincodeError,
} from '@phdmf/chaincode';
export type {
  AccessCheck,
  AccessRequestRecord,
  AnalysisRecord,
  BudgetReservationRecord,
  BudgetView,
  ConsortiumRecord,
  DatasetHistoryEntry,
  DatasetRecord,
  MemberRecord,
  ProvenanceEntry,
  TamperFindingRecord,
} from '@phdmf/chaincode';
