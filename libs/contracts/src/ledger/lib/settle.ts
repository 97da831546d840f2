/** How often {@link settle} asks the ledger again. */
export const SETTLE_POLL_MS = 250;

/**
 * After a ledger command's answer was lost ({@link isAmbiguous}: a deadline passed, the connection
 * dropped), whether it committed. A frozen or restarting ledger may commit it seconds later, so one
 * read right away is not an answer: `readBack` is asked every {@link SETTLE_POLL_MS} until it returns
 * something (the command's effect, or a state that rules it out — the caller judges which) or
 * `windowMs` has passed, then `undefined`. A read that fails (the ledger still not answering) counts
 * as nothing yet.
 */
export async function settle<T>(readBack: () => Promise<T | undefined>, windowMs: number): Promise<T | undefined> {
  const deadline = Date.now() + windowMs;
  while (Date.now() < deadline) {
    const found = await readBack().catch(() => undefined);
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(SETTLE_POLL_MS, deadline - Date.now()))));
  }
  return undefined;
}
