import { CommonErrorCode, PhdmfError } from './errors';

/** A per-user quota: at most `limit` uses within a sliding window of `windowSeconds`. */
export interface Quota {
  /** What is counted (`access-requests`, `analyses`), named in the error. */
  what: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Refuses with QUOTA.EXCEEDED when the user already has `limit` uses within the window. `newestFirst`
 * holds the times of the user's most recent uses (at least `limit` of them, when there are that
 * many), read from the owning service's own database, so the count survives restarts and holds
 * across replicas; the wait ends when the oldest of the last `limit` uses leaves the window.
 */
export function enforceQuota(quota: Quota, newestFirst: readonly Date[], now: Date): void {
  const windowMs = quota.windowSeconds * 1000;
  const inWindow = newestFirst.filter((d) => d.getTime() > now.getTime() - windowMs);
  const pivot = inWindow[quota.limit - 1];
  if (pivot === undefined) return;
  throw new PhdmfError(CommonErrorCode.QUOTA_EXCEEDED, `Quota of ${quota.limit} ${quota.what} per ${quota.windowSeconds} s used up`, {
    what: quota.what,
    limit: quota.limit,
    windowSeconds: quota.windowSeconds,
    retryAfterSeconds: Math.max(1, Math.ceil((pivot.getTime() + windowMs - now.getTime()) / 1000)),
  });
}
