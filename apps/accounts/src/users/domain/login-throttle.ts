/**
 * Limits on failed password checks (login and password change), OWASP's "progressive delay":
 * within the window, the first `free…` failures cost nothing; each one after that doubles the wait
 * before the next attempt (from `baseDelayMs`, at most `maxDelayMs`). No limit is a hard lock: every
 * wait ends, and an attempt refused by the throttle is not counted, so knocking does not extend it.
 */
export interface ThrottleLimits {
  /** Failures against one account from all addresses; not applied to the account's known addresses. */
  freeFailuresPerAccount: number;
  /** Failures against one account from one address: the guesser's own pair, applied always. */
  freeFailuresPerAccountAddress: number;
  /**
   * Failures from one address across all accounts: a ceiling high enough for many users behind one
   * proxy, against one address spraying guesses over many accounts; not applied to known addresses.
   */
  freeFailuresPerAddress: number;
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Failed attempts within the window, newest first (at most the free count plus enough for the
 * longest delay): for the account (only those after its last successful login), for the account
 * from this address, and from this address across accounts. `knownAddress`: the account has logged
 * in successfully from this address before.
 */
export interface RecentFailures {
  account: Date[];
  accountAddress: Date[];
  address: Date[];
  knownAddress: boolean;
}

export type ThrottleScope = 'account' | 'account-address' | 'address';

export type ThrottleDecision = { allowed: true } | { allowed: false; scope: ThrottleScope; retryAfterSeconds: number };

/** Whether another password check may be tried now, and if not, for how long it waits. */
export function decideThrottle(failures: RecentFailures, limits: ThrottleLimits, now: Date): ThrottleDecision {
  const checks: [ThrottleScope, Date[], number][] = [['account-address', failures.accountAddress, limits.freeFailuresPerAccountAddress]];
  // The account's owner, coming from where they have logged in before, is not held back by
  // failures from elsewhere: that is what would let anyone lock them out.
  if (!failures.knownAddress) {
    checks.push(['account', failures.account, limits.freeFailuresPerAccount], ['address', failures.address, limits.freeFailuresPerAddress]);
  }
  let refused: { scope: ThrottleScope; until: number } | undefined;
  for (const [scope, list, free] of checks) {
    const until = throttledUntil(list, free, limits, now);
    if (until !== undefined && (!refused || until > refused.until)) refused = { scope, until };
  }
  if (!refused) return { allowed: true };
  return { allowed: false, scope: refused.scope, retryAfterSeconds: Math.max(1, Math.ceil((refused.until - now.getTime()) / 1000)) };
}

/** How many failures to fetch per scope: enough to reach the longest delay. */
export function failuresNeeded(free: number, limits: ThrottleLimits): number {
  return free + Math.ceil(Math.log2(Math.max(1, limits.maxDelayMs / limits.baseDelayMs))) + 1;
}

function throttledUntil(newestFirst: Date[], free: number, limits: ThrottleLimits, now: Date): number | undefined {
  const since = now.getTime() - limits.windowMs;
  const inWindow = newestFirst.filter((d) => d.getTime() > since);
  const newest = inWindow[0];
  if (!newest || inWindow.length < free) return undefined;
  const delay = Math.min(limits.maxDelayMs, limits.baseDelayMs * 2 ** (inWindow.length - free));
  const until = newest.getTime() + delay;
  return until > now.getTime() ? until : undefined;
}
