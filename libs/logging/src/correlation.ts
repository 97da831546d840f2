import { AsyncLocalStorage } from 'node:async_hooks';

/** Who acts, and which conversation a unit of work belongs to; carried through async calls. */
export interface CorrelationScope {
  correlationId: string;
  /** The acting user, as the compact header value it travelled in (never personal data). */
  actor?: { userId: string; organisationId?: string; roles: string[] };
  /** The id of the message (event or request) that caused this unit of work. */
  causationId?: string;
  /** When the caller stops waiting for this unit of work (epoch ms); work begun after it is wasted. */
  deadline?: number;
  /**
   * The edge's Idempotency-Key for this unit of work, scoped to the user and the request (a SHA-256):
   * the ledger service commits each transaction of the unit under a key derived from it, so a retry
   * is answered with the first commit (apps/ledger keyed-commits.ts). Requests carry it, events never.
   */
  idempotencyKey?: string;
}

const storage = new AsyncLocalStorage<CorrelationScope>();

/**
 * The correlation scope lives in AsyncLocalStorage so that logs, outgoing requests and events
 * pick it up without every function passing it along.
 */
export const Correlation = {
  run<T>(scope: CorrelationScope, fn: () => T): T {
    return storage.run(scope, fn);
  },
  current(): CorrelationScope | undefined {
    return storage.getStore();
  },
  correlationId(): string | undefined {
    return storage.getStore()?.correlationId;
  },
};
