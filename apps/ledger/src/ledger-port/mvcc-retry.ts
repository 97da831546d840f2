import { LedgerErrorCode, PhdmfError, type LedgerBlock, type LedgerChainInfo, type LedgerChainVerification, type LedgerTransaction } from '@phdmf/contracts';
import { hasCode } from './ledger-errors';
import type { EventCheckpoint, LedgerChaincodeEvent, LedgerPort, SigningIdentity, SubmitResult } from './ledger-port';

/**
 * Retries a submit that failed MVCC validation, and nothing else, at most `maxAttempts` times in
 * all. A retry is a fresh simulation against the state that invalidated the first one, so it
 * either commits or fails for a reason the chaincode states (e.g. DATASET.VERSION_CONFLICT). When
 * the attempts run out the caller gets LEDGER.MVCC_CONFLICT with the number of attempts.
 */
export class MvccRetryingLedgerPort implements LedgerPort {
  constructor(
    private readonly inner: LedgerPort,
    private readonly maxAttempts: number,
  ) {
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be a positive integer');
  }

  get adapter(): string {
    return this.inner.adapter;
  }

  async submit(identity: SigningIdentity, contract: string, fn: string, args: readonly string[]): Promise<SubmitResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.inner.submit(identity, contract, fn, args);
      } catch (error) {
        if (!hasCode(error, LedgerErrorCode.MVCC_CONFLICT)) throw error;
        if (attempt >= this.maxAttempts) {
          throw new PhdmfError(
            LedgerErrorCode.MVCC_CONFLICT,
            `${contract}:${fn} conflicted with concurrent transactions ${attempt} time(s); giving up`,
            { ...error.details, attempts: attempt },
          );
        }
        // A little jitter, so that transactions which conflicted with each other do not line up again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** attempt));
      }
    }
  }

  evaluate(identity: SigningIdentity, contract: string, fn: string, args: readonly string[]): Promise<string> {
    return this.inner.evaluate(identity, contract, fn, args);
  }

  chaincodeEvents(from: EventCheckpoint): AsyncIterable<LedgerChaincodeEvent> {
    return this.inner.chaincodeEvents(from);
  }

  getBlock(blockNumber: number): Promise<LedgerBlock> {
    return this.inner.getBlock(blockNumber);
  }

  getTransaction(txId: string): Promise<LedgerTransaction> {
    return this.inner.getTransaction(txId);
  }

  chainInfo(): Promise<LedgerChainInfo> {
    return this.inner.chainInfo();
  }

  verifyChain(): Promise<LedgerChainVerification> {
    return this.inner.verifyChain();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
