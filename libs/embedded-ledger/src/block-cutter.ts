// Fabric's orderer batching, for one node: a block is cut when it holds maxTxPerBlock
// transactions, or batchTimeoutMs after its first transaction arrived, whichever comes first.
// Batching is what makes the ledger fast: one SQLite transaction, one fsync, one hash and one
// signature per block instead of per transaction, while a lone transaction waits at most
// batchTimeoutMs.
export class BlockCutter<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly maxItems: number,
    private readonly timeoutMs: number,
    /** Receives each cut batch, synchronously and in order. */
    private readonly onCut: (batch: T[]) => void,
  ) {}

  get pendingCount(): number {
    return this.pending.length;
  }

  enqueue(item: T): void {
    this.pending.push(item);
    if (this.pending.length >= this.maxItems) {
      this.cut();
    } else {
      this.timer ??= setTimeout(() => {
        this.cut();
      }, this.timeoutMs);
    }
  }

  /** Cuts whatever is pending now (also used to flush on close). */
  cut(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0) {
      return;
    }
    const batch = this.pending;
    this.pending = [];
    this.onCut(batch);
  }
}
