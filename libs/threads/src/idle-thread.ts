// One started, healthy and unused worker thread kept for the next job: starting a thread costs 30–120 ms
// (more from the TypeScript sources), and the jobs that use one (a ledger's committer, an upload's CSV
// inspection) come one after another. Kept unreferenced, so it never holds the process open, and
// forgotten if it dies while it waits.
import type { Worker } from 'node:worker_threads';

export class IdleThread {
  private idle: { worker: Worker; forget: () => void } | undefined;

  /** The kept thread, referenced again, or undefined when none waits. */
  take(): Worker | undefined {
    const idle = this.idle;
    this.idle = undefined;
    if (idle === undefined) return undefined;
    idle.worker.off('exit', idle.forget);
    idle.worker.off('error', idle.forget);
    idle.worker.ref();
    return idle.worker;
  }

  /** Keeps `worker` for the next job; when one is kept already, `worker` is ended instead. */
  keep(worker: Worker): void {
    if (this.idle !== undefined) {
      void worker.terminate();
      return;
    }
    worker.unref();
    const forget = (): void => {
      if (this.idle?.worker === worker) this.idle = undefined;
    };
    worker.on('exit', forget);
    // An 'error' event without a listener would be thrown in this thread.
    worker.on('error', forget);
    this.idle = { worker, forget };
  }

  /** Whether a thread waits (the caller may prefer to end a thread rather than replace the kept one). */
  get holding(): boolean {
    return this.idle !== undefined;
  }
}
