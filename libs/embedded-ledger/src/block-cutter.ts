// Fabric's orderer batching, for one node: a block is cut when it holds maxTxPerBlock
// transactions, or batchTimeoutMs after its first transaction arrived, whichever comes first.
// Batching is what makes the ledger fast: one SQLite transaction, one fsync, one hash and one
// signature per block instead of per transaction, while a lone transaction waits at most
// batchTimeoutMs.
//
// Optionally also when the block's consumer (the committer) is idle — group commit: waiting for
// the count or the timeout buys nothing while nothing else is being committed, so what is pending
// goes as soon as the transactions simulated in the same turn of the event loop have joined it
// (setImmediate), and while a block commits the next one fills up. A lone transaction then waits
// for no timeout, and under load blocks are as large as one commit's duration lets them grow, so
// the committer and the simulation never wait for each other.
export class BlockCutter<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  constructor(
    private readonly maxItems: number,
    private readonly timeoutMs: number,
    /** Receives each cut batch, synchronously and in order. */
    private readonly onCut: (batch: T[]) => void,
    /** Whether the consumer has nothing in hand (then a batch is cut at once); absent: count and timeout only. */
    private readonly consumerIdle?: () => boolean,
  ) {}

  get pendingCount(): number {
    return this.pending.length;
  }

  enqueue(item: T): void {
    this.pending.push(item);
    if (this.pending.length >= this.maxItems) {
      this.cut();
    } else if (this.consumerIdle?.() === true) {
      this.cutSoon();
    } else {
      this.timer ??= setTimeout(() => {
        this.cut();
      }, this.timeoutMs);
    }
  }

  /** The consumer finished what it had: with `consumerIdle`, what is pending goes now rather than at its timeout. */
  consumerDrained(): void {
    if (this.consumerIdle !== undefined && this.pending.length > 0) {
      this.cutSoon();
    }
  }

  /** Cuts whatever is pending now (also used to flush on close). */
  cut(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.immediate !== undefined) {
      clearImmediate(this.immediate);
      this.immediate = undefined;
    }
    if (this.pending.length === 0) {
      return;
    }
    const batch = this.pending;
    this.pending = [];
    this.onCut(batch);
  }

  private cutSoon(): void {
    this.immediate ??= setImmediate(() => {
      this.immediate = undefined;
      this.cut();
    });
  }
}
