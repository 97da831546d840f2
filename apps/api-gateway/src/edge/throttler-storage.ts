import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  ttl: number;
  /** Start of the current fixed window. */
  start: number;
  count: number;
  /** Hits counted in the window before the current one. */
  previous: number;
  blockedUntil: number;
}

type StorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Rate-limit counters in O(1) per client: a sliding-window counter (the current and the previous
 * fixed window, the previous one weighted by how much of it still overlaps the sliding window).
 * The throttler's default store keeps one timestamp per hit and filters them on every request, so
 * its cost per request grows with the limit; this one costs the same at any limit.
 * Counters live in this process (see the README on several replicas).
 */
export class SlidingWindowThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(sweepIntervalMs = 60_000) {
    this.sweeper = setInterval(() => {
      this.sweep(Date.now());
    }, sweepIntervalMs);
    this.sweeper.unref();
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<StorageRecord> {
    return Promise.resolve(this.hit(`${throttlerName}\u0000${key}`, ttl, limit, blockDuration, Date.now()));
  }

  /** Synchronous core, exposed for tests with a controlled clock. */
  hit(id: string, ttl: number, limit: number, blockDuration: number, now: number): StorageRecord {
    let w = this.windows.get(id);
    if (!w) {
      w = { ttl, start: now, count: 0, previous: 0, blockedUntil: 0 };
      this.windows.set(id, w);
    }
    const elapsed = now - w.start;
    if (elapsed >= ttl) {
      const passed = Math.floor(elapsed / ttl);
      w.previous = passed === 1 ? w.count : 0;
      w.count = 0;
      w.start += passed * ttl;
    }
    const timeToExpire = Math.max(1, Math.ceil((w.start + ttl - now) / 1000));
    if (w.blockedUntil > now) {
      return { totalHits: limit + 1, timeToExpire, isBlocked: true, timeToBlockExpire: Math.ceil((w.blockedUntil - now) / 1000) };
    }
    const estimate = w.previous * (1 - (now - w.start) / ttl) + w.count;
    if (estimate + 1 > limit) {
      // Refused requests are not counted: the block ends on time however often the client knocks.
      w.blockedUntil = now + (blockDuration > 0 ? blockDuration : ttl);
      return { totalHits: limit + 1, timeToExpire, isBlocked: true, timeToBlockExpire: Math.ceil((w.blockedUntil - now) / 1000) };
    }
    w.count += 1;
    return { totalHits: Math.ceil(estimate + 1), timeToExpire, isBlocked: false, timeToBlockExpire: 0 };
  }

  sweep(now: number): void {
    for (const [id, w] of this.windows) {
      if (w.start + 2 * w.ttl <= now && w.blockedUntil <= now) this.windows.delete(id);
    }
  }

  size(): number {
    return this.windows.size;
  }
}
