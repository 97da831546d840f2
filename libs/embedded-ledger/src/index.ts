// Public surface of @phdmf/embedded-ledger. Only the ledger service should import it.
export { EmbeddedLedger } from './embedded-ledger';
export {
  ChaincodeExecutionError,
  LedgerClosedError,
  LedgerConfigError,
  LedgerError,
  EmbeddedLedgerErrorCode,
  LedgerInvalidArgumentError,
  LedgerLockedError,
  LedgerNotFoundError,
  LedgerStorageError,
  MvccConflictError,
  UnknownContractError,
  UnknownFunctionError,
} from './errors';
export { blockHash } from './block-codec';
export { canonicalJson } from '@phdmf/chaincode/canonical-json';
export { DATABASE_FILE } from './database';
export { SIGNING_KEY_FILE } from './signer';
export type {
  Block,
  BlockData,
  BlockHeader,
  BlockMetadata,
  ChainVerification,
  ChaincodeEventRecord,
  ChaincodeEventsOptions,
  CommittedTransaction,
  ContractClass,
  EmbeddedLedgerOptions,
  GenesisConfig,
  KeyRead,
  KeyVersion,
  KeyWrite,
  LedgerIdentity,
  LedgerInfo,
  LedgerLogger,
  RangeQueryRead,
  ReadSet,
  StoredChaincodeEvent,
  SubmitResult,
  TransactionRecord,
  TxTimestamp,
  ValidationCode,
} from './types';
