import { LedgerGetKeyedCommit, type LedgerCommitted, type RequestContract, type ResultOf } from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import type { MessageBus } from './message-bus';

/**
 * What `command` (a ledger command) already committed in a retry of this unit of work: the first
 * commit's transaction id, block and record, when the edge's request carried an Idempotency-Key and
 * the ledger holds a commit under it (apps/ledger keyed-commits.ts). A service asks before its own
 * state checks, which a committed first attempt would otherwise fail (a decided request is no longer
 * pending), and answers with the first commit. Without a key: undefined, and no query is sent.
 */
export async function firstKeyedCommit<C extends RequestContract<object, LedgerCommitted<unknown>>>(bus: MessageBus, command: C): Promise<ResultOf<C> | undefined> {
  if (Correlation.current()?.idempotencyKey === undefined) return undefined;
  const { commit } = await bus.request(LedgerGetKeyedCommit.CONTRACT, { command: command.subject });
  return commit as ResultOf<C> | undefined;
}

/**
 * Runs `send` without the unit of work's Idempotency-Key: for a ledger command that is a step of the
 * operation rather than its outcome, which a retry must be able to take again (an analysis' budget
 * reservation and its release: a retry of an analysis that failed reserves anew, and one that
 * committed is answered from its record before it reserves anything).
 */
export function withoutIdempotencyKey<T>(send: () => T): T {
  const scope = Correlation.current();
  if (scope?.idempotencyKey === undefined) return send();
  const { idempotencyKey: _dropped, ...rest } = scope;
  return Correlation.run(rest, send);
}
