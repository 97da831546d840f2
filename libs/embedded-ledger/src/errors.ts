// Typed errors with stable codes. The ledger service maps these codes to its own error contract;
// nothing should ever need to parse a message. A chaincode's own message is carried unchanged in
// ChaincodeExecutionError, because the chaincode puts its machine-readable code there (CONVENTIONS).
import type { ValidationCode } from './types';

export const EmbeddedLedgerErrorCode = {
  CHAINCODE_ERROR: 'LEDGER.CHAINCODE_ERROR',
  MVCC_READ_CONFLICT: 'LEDGER.MVCC_READ_CONFLICT',
  UNKNOWN_CONTRACT: 'LEDGER.UNKNOWN_CONTRACT',
  UNKNOWN_FUNCTION: 'LEDGER.UNKNOWN_FUNCTION',
  INVALID_ARGUMENT: 'LEDGER.INVALID_ARGUMENT',
  NOT_FOUND: 'LEDGER.NOT_FOUND',
  CLOSED: 'LEDGER.CLOSED',
  STORAGE: 'LEDGER.STORAGE',
  CONFIG: 'LEDGER.CONFIG',
  LOCKED: 'LEDGER.LOCKED',
} as const;

export type EmbeddedLedgerErrorCode = (typeof EmbeddedLedgerErrorCode)[keyof typeof EmbeddedLedgerErrorCode];

/** Base class of every error the embedded ledger throws on purpose. */
export abstract class LedgerError extends Error {
  abstract readonly code: EmbeddedLedgerErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The chaincode threw (or rejected its arguments); `message` is the chaincode's message, unchanged. */
export class ChaincodeExecutionError extends LedgerError {
  readonly code = EmbeddedLedgerErrorCode.CHAINCODE_ERROR;

  constructor(
    readonly chaincodeMessage: string,
    readonly txId: string,
    options?: { cause?: unknown },
  ) {
    super(chaincodeMessage, options);
  }
}

/**
 * The transaction was ordered into a block but failed validation because what it read changed
 * before it committed. Retry it (it is a fresh simulation). `validationCode` tells a changed key
 * (MVCC_READ_CONFLICT) from a changed range (PHANTOM_READ_CONFLICT); both carry this one code.
 */
export class MvccConflictError extends LedgerError {
  readonly code = EmbeddedLedgerErrorCode.MVCC_READ_CONFLICT;

  constructor(
    readonly txId: string,
    readonly blockNumber: number,
    readonly txIndex: number,
    readonly validationCode: Exclude<ValidationCode, 'VALID'>,
  ) {
    super(`transaction ${txId} in block ${blockNumber} is invalid: ${validationCode}`);
  }
}

/** No contract with that name is deployed in this ledger. */
export class UnknownContractError extends LedgerError {
  readonly code = EmbeddedLedgerErrorCode.UNKNOWN_CONTRACT;

  constructor(readonly contractName: string) {
    super(`Contract name is not known: ${contractName}`);
  }
}

/** The contract has no transaction function with that name. */
export class UnknownFunctionError extends LedgerError {
  readonly code = EmbeddedLedgerErrorCode.UNKNOWN_FUNCTION;

  constructor(
    readonly contractName: string,
    readonly functionName: string,
  ) {
    super(`You've asked to invoke a function that does not exist: ${functionName} (contract ${contractName})`);
  }
}

/** A caller passed something malformed (identity, arguments, block number, checkpoint). */
export class LedgerInvalidArgumentError extends LedgerError {
  readonly code = EmbeddedLedgerErrorCode.INVALID_ARGUMENT;
}

/** The block or transaction asked for does not exist. */
export class LedgerNotFoundError extends LedgerError {
  readonly code = EmbeddedLedgerErrorCode.NOT_FOUND;
}

/** The ledger is closed or closing. */
export class LedgerClosedError extends LedgerError {
  readonly code = EmbeddedLedgerErrorCode.CLOSED;

  constructor() {
    super('the embedded ledger is closed');
  }
}

/** Writing a block failed; the block was rolled back and none of its transactions committed. */
export class LedgerStorageError extends LedgerError {
  readonly code = EmbeddedLedgerErrorCode.STORAGE;
}

/** The data directory does not match the options (key missing or different, other channel). */
export class LedgerConfigError extends LedgerError {
  readonly code = EmbeddedLedgerErrorCode.CONFIG;
}

/** Another ledger instance (this process or another) already has the data directory open. */
export class LedgerLockedError extends LedgerError {
  readonly code = EmbeddedLedgerErrorCode.LOCKED;
}
