import { LedgerErrorCode, PhdmfError } from '@phdmf/contracts';
import { DelegatingLedgerPort } from './delegating-ledger-port';
import { hasCode } from './ledger-errors';
import type { LedgerPort, SigningIdentity, SubmitResult } from './ledger-port';

/**
 * Transactions built to contend on one key, with their own attempt bound: every budget reservation
 * of a grant reads and writes the grant's budget account, so n analyses started at once on one
 * grant conflict in up to n rounds (each round commits at least one of them, or the budget is spent
 * and the rest are refused by the chaincode). Their bound is the number of concurrent analyses a
 * grant should bear, not the handful of retries an accidental conflict needs.
 */
export const CONTENDED_FUNCTIONS: readonly string[] = ['budget:reserveBudget', 'budget:releaseReservation'];

/** Longest pause between attempts, in ms (the jitter grows with the attempt up to this). */
const MAX_JITTER_MS = 64;

/**
 * Retries a submit that failed MVCC validation, and nothing else, at most `maxAttempts` times in
 * all (`contendedAttempts` for {@link CONTENDED_FUNCTIONS}). A retry is a fresh simulation against
 * the state that invalidated the first one, so it either commits or fails for a reason the
 * chaincode states (e.g. DATASET.VERSION_CONFLICT, BUDGET.EXHAUSTED). When the attempts run out the
 * caller gets LEDGER.MVCC_CONFLICT with the number of attempts. This is the one place conflicts are
 * retried: both adapters (embedded and Fabric) report them as LEDGER.MVCC_CONFLICT to it, and a
 * retry here re-simulates next to the ledger instead of crossing the bus again per attempt.
 */
export class MvccRetryingLedgerPort extends DelegatingLedgerPort {
  constructor(
    inner: LedgerPort,
    private readonly maxAttempts: number,
    private readonly contendedAttempts = maxAttempts,
  ) {
    super(inner);
    for (const n of [maxAttempts, contendedAttempts]) if (!Number.isInteger(n) || n < 1) throw new RangeError('attempts must be positive integers');
  }

  override async submit(identity: SigningIdentity, contract: string, fn: string, args: readonly string[]): Promise<SubmitResult> {
    const maxAttempts = CONTENDED_FUNCTIONS.includes(`${contract}:${fn}`) ? this.contendedAttempts : this.maxAttempts;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.inner.submit(identity, contract, fn, args);
      } catch (error) {
        if (!hasCode(error, LedgerErrorCode.MVCC_CONFLICT)) throw error;
        if (attempt >= maxAttempts) {
          throw new PhdmfError(
            LedgerErrorCode.MVCC_CONFLICT,
            `${contract}:${fn} conflicted with concurrent transactions ${attempt} time(s); giving up`,
            { ...error.details, attempts: attempt },
          );
        }
        // A little jitter, so that transactions which conflicted with each other do not line up again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, MAX_JITTER_MS)));
      }
    }
  }
}
