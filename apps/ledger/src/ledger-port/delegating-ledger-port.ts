import type { LedgerBlock, LedgerChainInfo, LedgerChainVerification, LedgerTransaction } from '@phdmf/contracts';
import type { EventCheckpoint, LedgerChaincodeEvent, LedgerPort, SigningIdentity, SubmitResult } from './ledger-port';

/**
 * A port wrapped around another (the MVCC retries, the traces): every call goes to `inner` unless
 * the wrapper overrides it, so each wrapper states only what it adds, and a call added to
 * `LedgerPort` is forwarded once here rather than in every wrapper.
 */
export abstract class DelegatingLedgerPort implements LedgerPort {
  constructor(protected readonly inner: LedgerPort) {}

  get adapter(): string {
    return this.inner.adapter;
  }

  submit(identity: SigningIdentity, contract: string, fn: string, args: readonly string[]): Promise<SubmitResult> {
    return this.inner.submit(identity, contract, fn, args);
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
