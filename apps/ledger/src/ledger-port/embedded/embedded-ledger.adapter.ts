// The `embedded` adapter: the ledger port over @phdmf/embedded-ledger, which runs the PHDMF
// chaincode in-process with Fabric's execute-order-validate semantics. Only this file (and the
// conformance suite's tests of it) knows the embedded ledger's types and error classes.
import { contracts as phdmfContracts } from '../../chaincode/phdmf-chaincode';
import { LedgerErrorCode, type LedgerBlock, type LedgerBlockTransaction, type LedgerChainInfo, type LedgerChainVerification, type LedgerTransaction } from '@phdmf/contracts';
import {
  blockHash,
  ChaincodeExecutionError,
  EmbeddedLedger,
  LedgerError,
  EmbeddedLedgerErrorCode,
  MvccConflictError,
  type Block,
  type ContractClass,
  type LedgerLogger,
  type TransactionRecord,
  type TxTimestamp,
} from '@phdmf/embedded-ledger';
import { chaincodeFailure, ledgerError } from '../ledger-errors';
import type { EventCheckpoint, LedgerChaincodeEvent, LedgerPort, SigningIdentity, SubmitResult } from '../ledger-port';

export interface EmbeddedAdapterOptions {
  /** Directory of ledger.sqlite3 and the block-signing key; created if missing. */
  dataDir: string;
  channelName?: string;
  maxTxPerBlock?: number;
  batchTimeoutMs?: number;
  cutWhenIdle?: boolean;
  logger?: LedgerLogger;
  /** The chaincode; the PHDMF contracts unless a test deploys others. */
  contracts?: ContractClass[];
}

/** The ledger port over an in-process EmbeddedLedger. Not a distributed ledger (see its README). */
export class EmbeddedLedgerAdapter implements LedgerPort {
  readonly adapter = 'embedded';

  private constructor(private readonly ledger: EmbeddedLedger) {}

  /** Opens (or creates) the ledger in `options.dataDir`. LEDGER.UNAVAILABLE if it is locked or unreadable. */
  static async open(options: EmbeddedAdapterOptions): Promise<EmbeddedLedgerAdapter> {
    try {
      const ledger = await EmbeddedLedger.open({
        dataDir: options.dataDir,
        contracts: options.contracts ?? phdmfContracts,
        ...(options.channelName !== undefined ? { channelName: options.channelName } : {}),
        ...(options.maxTxPerBlock !== undefined ? { maxTxPerBlock: options.maxTxPerBlock } : {}),
        ...(options.batchTimeoutMs !== undefined ? { batchTimeoutMs: options.batchTimeoutMs } : {}),
        ...(options.cutWhenIdle !== undefined ? { cutWhenIdle: options.cutWhenIdle } : {}),
        ...(options.logger !== undefined ? { logger: options.logger } : {}),
      });
      return new EmbeddedLedgerAdapter(ledger);
    } catch (error) {
      throw mapError(error);
    }
  }

  async submit(identity: SigningIdentity, contract: string, fn: string, args: readonly string[]): Promise<SubmitResult> {
    try {
      const { txId, blockNumber, result } = await this.ledger.submit(identity, contract, fn, [...args]);
      return { txId, blockNumber, result };
    } catch (error) {
      throw mapError(error);
    }
  }

  async evaluate(identity: SigningIdentity, contract: string, fn: string, args: readonly string[]): Promise<string> {
    try {
      return await this.ledger.evaluate(identity, contract, fn, [...args]);
    } catch (error) {
      throw mapError(error);
    }
  }

  chaincodeEvents(from: EventCheckpoint): AsyncIterable<LedgerChaincodeEvent> {
    let source: AsyncIterable<{ blockNumber: number; txIndex: number; txId: string; eventName: string; payload: Uint8Array }>;
    try {
      source = this.ledger.chaincodeEvents({ startBlock: from.blockNumber, ...(from.afterTxId !== undefined ? { afterTxId: from.afterTxId } : {}) });
    } catch (error) {
      throw mapError(error);
    }
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for await (const e of source) {
            yield { blockNumber: e.blockNumber, txIndex: e.txIndex, txId: e.txId, eventIndex: 0, eventName: e.eventName, payload: e.payload };
          }
        } catch (error) {
          throw mapError(error);
        }
      },
    };
  }

  getBlock(blockNumber: number): Promise<LedgerBlock> {
    return this.sync(() => toLedgerBlock(this.ledger.getBlock(blockNumber)));
  }

  getTransaction(txId: string): Promise<LedgerTransaction> {
    return this.sync(() => {
      const tx = this.ledger.getTransaction(txId);
      return { ...toBlockTransaction(tx, tx.txIndex), blockNumber: tx.blockNumber, args: tx.args, response: tx.response, ...eventOf(tx) };
    });
  }

  chainInfo(): Promise<LedgerChainInfo> {
    return this.sync(() => {
      const { height, currentBlockHash, previousBlockHash } = this.ledger.info();
      return { height, currentBlockHash, previousBlockHash };
    });
  }

  async verifyChain(): Promise<LedgerChainVerification> {
    try {
      return await this.ledger.verifyChain();
    } catch (error) {
      throw mapError(error);
    }
  }

  async close(): Promise<void> {
    await this.ledger.close();
  }

  /** The embedded ledger's reads are synchronous; the port's are not (a Fabric peer is remote). */
  private sync<T>(read: () => T): Promise<T> {
    try {
      return Promise.resolve(read());
    } catch (error) {
      return Promise.reject(mapError(error));
    }
  }
}

function mapError(error: unknown): Error {
  if (error instanceof ChaincodeExecutionError) {
    return chaincodeFailure(error.chaincodeMessage, { txId: error.txId });
  }
  if (error instanceof MvccConflictError) {
    return ledgerError(LedgerErrorCode.MVCC_CONFLICT, `transaction ${error.txId} was invalidated by a concurrent one (${error.validationCode})`, {
      txId: error.txId,
      blockNumber: error.blockNumber,
      validationCode: error.validationCode,
    });
  }
  if (error instanceof LedgerError) {
    switch (error.code) {
      case EmbeddedLedgerErrorCode.UNKNOWN_CONTRACT:
      case EmbeddedLedgerErrorCode.UNKNOWN_FUNCTION:
      case EmbeddedLedgerErrorCode.INVALID_ARGUMENT:
        return ledgerError(LedgerErrorCode.INVALID_INPUT, error.message);
      case EmbeddedLedgerErrorCode.NOT_FOUND:
        return ledgerError(LedgerErrorCode.NOT_FOUND, error.message);
      default:
        // CLOSED, STORAGE, LOCKED, CONFIG: the ledger cannot serve; retrying later may help.
        return ledgerError(LedgerErrorCode.UNAVAILABLE, error.message, { cause: error.code });
    }
  }
  return error instanceof Error ? error : new Error(String(error));
}

function isoTime(ts: TxTimestamp): string {
  return new Date(ts.seconds * 1000 + Math.floor(ts.nanos / 1_000_000)).toISOString();
}

function toBlockTransaction(tx: TransactionRecord, txIndex: number): LedgerBlockTransaction {
  return {
    txId: tx.txId,
    txIndex,
    contract: tx.contract,
    function: tx.function,
    creatorMspId: tx.creator.mspId,
    timestamp: isoTime(tx.timestamp),
    validationCode: tx.validationCode,
    ...(tx.event !== null ? { eventName: tx.event.name } : {}),
  };
}

function toLedgerBlock(block: Block): LedgerBlock {
  return {
    number: block.header.number,
    hash: blockHash(block.header),
    previousHash: block.header.previousHash,
    dataHash: block.header.dataHash,
    transactions: block.data.transactions.map((tx, index) => toBlockTransaction(tx, index)),
  };
}

function eventOf(tx: TransactionRecord): Pick<LedgerTransaction, 'event'> {
  if (tx.event === null) return {};
  const text = Buffer.from(tx.event.payload, 'base64').toString('utf8');
  let payload: unknown = text;
  try {
    payload = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: the payload is reported as text.
  }
  return { event: { name: tx.event.name, payload } };
}
