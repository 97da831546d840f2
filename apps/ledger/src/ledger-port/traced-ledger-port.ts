import { inSpan, SpanKind, traceInProgress, UseCaseSpan } from '@phdmf/observability';
import { DelegatingLedgerPort } from './delegating-ledger-port';
import type { SigningIdentity, SubmitResult } from './ledger-port';

/**
 * Every chaincode call as a span of the trace in progress (a grant check, an analysis' record…),
 * named by its function (`ledger.submit audit:recordAnalysis`), around the MVCC retries, so a trace
 * shows what the request cost on the ledger, retries included. Attributes: the adapter and the
 * function, never an argument. Outside a sampled trace it adds nothing (inSpan).
 */
export class TracedLedgerPort extends DelegatingLedgerPort {
  override submit(identity: SigningIdentity, contract: string, fn: string, args: readonly string[]): Promise<SubmitResult> {
    // Not even the span's name is built outside a sampled trace: this is every transaction's path.
    if (!traceInProgress()) return this.inner.submit(identity, contract, fn, args);
    return inSpan(`${UseCaseSpan.LedgerSubmit} ${contract}:${fn}`, SpanKind.INTERNAL, this.attributes(contract, fn), () => this.inner.submit(identity, contract, fn, args));
  }

  override evaluate(identity: SigningIdentity, contract: string, fn: string, args: readonly string[]): Promise<string> {
    if (!traceInProgress()) return this.inner.evaluate(identity, contract, fn, args);
    return inSpan(`${UseCaseSpan.LedgerEvaluate} ${contract}:${fn}`, SpanKind.INTERNAL, this.attributes(contract, fn), () => this.inner.evaluate(identity, contract, fn, args));
  }

  private attributes(contract: string, fn: string): Record<string, string> {
    return { 'phdmf.ledger.adapter': this.inner.adapter, 'phdmf.ledger.function': `${contract}:${fn}` };
  }
}
