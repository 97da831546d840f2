/** Refused by {@link Semaphore.run}: every slot is taken and the queue holds `maxWaiting` already. */
export class SemaphoreFull extends Error {
  constructor(readonly waiting: number) {
    super(`queue full (${waiting} waiting)`);
    this.name = 'SemaphoreFull';
  }
}

/** At most `limit` holders at once; at most `maxWaiting` others wait, in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting = Number.POSITIVE_INFINITY,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      // A bounded queue: past it, callers are told at once rather than piling up behind work
      // whose callers may long have given up.
      if (this.waiting.length >= this.maxWaiting) throw new SemaphoreFull(this.waiting.length);
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
      });
    } else {
      this.active++;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter (active stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
