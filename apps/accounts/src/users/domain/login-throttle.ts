/** Limits on failed logins within a sliding window. */
export interface ThrottleLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowMs: number;
}

/**
 * Failed attempts within the window, newest first, for the account (only those after its last
 * successful login) and for the address. Attempts refused by the throttle itself are not counted,
 * so a lock lifts when the window has passed, however often someone keeps knocking.
 */
export interface RecentFailures {
  account: Date[];
  address: Date[];
}

export type ThrottleDecision = { allowed: true } | { allowed: false; scope: 'account' | 'address'; retryAfterSeconds: number };

/** Whether another login attempt may be tried now, and if not, for how long it waits. */
export function decideThrottle(failures: RecentFailures, limits: ThrottleLimits, now: Date): ThrottleDecision {
  const check = (list: Date[], max: number): number | undefined => {
    if (list.length < max) return undefined;
    // The lock lifts when the max-th most recent failure leaves the window.
    const pivot = list[max - 1];
    if (!pivot) return undefined;
    const liftsAt = pivot.getTime() + limits.windowMs;
    return liftsAt > now.getTime() ? Math.ceil((liftsAt - now.getTime()) / 1000) : undefined;
  };
  const account = check(failures.account, limits.maxFailuresPerAccount);
  if (account !== undefined) return { allowed: false, scope: 'account', retryAfterSeconds: account };
  const address = check(failures.address, limits.maxFailuresPerAddress);
  if (address !== undefined) return { allowed: false, scope: 'address', retryAfterSeconds: address };
  return { allowed: true };
}
