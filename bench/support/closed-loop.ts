// Closed-loop load, as the ledger and Fabric benches apply it: a fixed number of callers, each
// calling again as soon as its last call returned, so that the number in flight is what is set.

/** What one run measured: the calls that returned (committed), those that threw, rate and latency (ms). */
export interface LoadRun {
  committed: number;
  failed: number;
  seconds: number;
  tps: number;
  p50: number;
  p95: number;
  /** The message of the first call that threw. */
  firstError?: string;
}

/** `inFlight` callers of `once` for `seconds`; a call that throws counts as failed, its latency is left out. */
export async function driveClosedLoop(once: () => Promise<void>, inFlight: number, seconds: number): Promise<LoadRun> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await once();
        latencies.push(performance.now() - t0);
      } catch (error) {
        failed += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, () => worker()));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((x, y) => x - y);
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? Number.NaN;
  return { committed: latencies.length, failed, seconds: elapsed, tps: latencies.length / elapsed, p50: pct(0.5), p95: pct(0.95), ...(firstError !== undefined ? { firstError } : {}) };
}
