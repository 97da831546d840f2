// When and how long to wait before trying a call again. 429 (rate limit, login throttle) and 503
// (a service or the ledger unavailable) are answered before anything was done, so every call may be
// retried on them; a call that failed on the network (no answer at all) is retried only when a retry
// cannot do it twice: a read, or a commit carrying its Idempotency-Key.

/** How the client retries. */
export interface RetryOptions {
  /** Tries in all, the first included (default 4). */
  attempts?: number;
  /** First backoff in ms, doubled each try, with full jitter (default 250). */
  baseDelayMs?: number;
  /** Longest backoff in ms (default 8000). */
  maxDelayMs?: number;
  /** A Retry-After longer than this (ms) is not waited for: the error is returned (default 60000). */
  maxRetryAfterMs?: number;
}

export const RETRY_STATUSES: readonly number[] = [429, 503];

export function retryDefaults(o: RetryOptions = {}): Required<RetryOptions> {
  return { attempts: o.attempts ?? 4, baseDelayMs: o.baseDelayMs ?? 250, maxDelayMs: o.maxDelayMs ?? 8_000, maxRetryAfterMs: o.maxRetryAfterMs ?? 60_000 };
}

/** Retry-After in ms (delta-seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with full jitter for the given retry (1 = the first retry). */
export function backoffMs(retry: number, o: Required<RetryOptions>, random: () => number = Math.random): number {
  const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
