// The ledger port: everything the ledger service needs from a ledger, and nothing of how a
// particular ledger provides it. Two adapters implement it: `embedded` (in-process, the default on
// one machine) and, later, `fabric` (@hyperledger/fabric-gateway). Both must pass the same
// conformance suite (./conformance). Every failure is a PhdmfError with a stable code: a coded
// chaincode error keeps its code (e.g. ACCESS.NOT_OWNER), everything else is LedgerErrorCode.*.
import type { LedgerBlock, LedgerChainInfo, LedgerChainVerification, LedgerTransaction } from '@phdmf/contracts';

/**
 * Who signs a transaction: an organisation's MSP and an identity inside it. A Fabric adapter holds
 * one client identity (certificate and key) per member organisation and picks it by `mspId`.
 */
export interface SigningIdentity {
  readonly mspId: string;
  readonly id: string;
}

/** A committed, valid transaction. */
export interface SubmitResult {
  txId: string;
  blockNumber: number;
  /** What the chaincode returned (PHDMF chaincode: a JSON string with sorted keys). */
  result: string;
}

/** A chaincode event of a committed, valid transaction, in commit order. */
export interface LedgerChaincodeEvent {
  blockNumber: number;
  /** Position of the transaction in its block. */
  txIndex: number;
  txId: string;
  /** Index of the event within its transaction; always 0, as Fabric keeps one event per transaction. */
  eventIndex: number;
  eventName: string;
  payload: Uint8Array;
}

/**
 * Where an event stream starts: from `blockNumber`, skipping the transaction `afterTxId` (which
 * must be in that block) and those before it in the block — fabric-gateway's checkpoint semantics.
 */
export interface EventCheckpoint {
  blockNumber: number;
  afterTxId?: string;
}

/** What both ledger adapters provide. */
export interface LedgerPort {
  /** `embedded` or `fabric`, for logs and health. */
  readonly adapter: string;

  /**
   * Endorses, orders and commits one transaction; resolves only after it is committed and valid.
   * Rejects with the chaincode's code, LEDGER.INVALID_INPUT, LEDGER.MVCC_CONFLICT (the transaction
   * was ordered but invalidated by a concurrent one) or LEDGER.UNAVAILABLE.
   */
  submit(identity: SigningIdentity, contract: string, fn: string, args: readonly string[]): Promise<SubmitResult>;

  /** Runs a read-only function against committed state. */
  evaluate(identity: SigningIdentity, contract: string, fn: string, args: readonly string[]): Promise<string>;

  /**
   * Chaincode events from a checkpoint: those already committed, then new ones as blocks commit,
   * with no gap and no duplicate at the hand-over. Ends when the consumer stops or the port closes.
   */
  chaincodeEvents(from: EventCheckpoint): AsyncIterable<LedgerChaincodeEvent>;

  /** A block by number (LEDGER.NOT_FOUND beyond the height). */
  getBlock(blockNumber: number): Promise<LedgerBlock>;

  /** A transaction by id, valid or not (LEDGER.NOT_FOUND if unknown). */
  getTransaction(txId: string): Promise<LedgerTransaction>;

  /** Height, current and previous block hash. */
  chainInfo(): Promise<LedgerChainInfo>;

  /** Re-checks the stored chain; names the first block that fails. */
  verifyChain(): Promise<LedgerChainVerification>;

  /** Finishes what is in flight and releases the ledger. Idempotent. */
  close(): Promise<void>;
}

/** Nest injection token of the service's LedgerPort. */
export const LEDGER_PORT = Symbol('LEDGER_PORT');
