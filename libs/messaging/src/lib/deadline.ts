// How long a hop may wait for the hops after it. The caller's deadline travels with every request (the
// Phdmf-Deadline header, read into the correlation scope); each hop waits for its own downstream requests
// no longer than what is left of it, less a margin for its own reply, and no longer than its own cap
// (NATS_REQUEST_TIMEOUT_MS, SITE_TIMEOUT_MS, LEDGER_COMMAND_TIMEOUT_MS...). So no config has to
// know how long the hops after it take: a caller that waits 2 s gets an answer within 2 s from a chain
// of hops whose own caps are minutes. This file is the one place that computes it.
import { CommonErrorCode, PhdmfError } from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';

/**
 * What a hop keeps of its caller's deadline for itself when it calls further: the time to take an
 * answer, check it and reply before the caller stops waiting.
 */
export const DEADLINE_MARGIN_MS = 250;

/**
 * Milliseconds left until the deadline of the request being served (the correlation scope's, unless
 * given: work run later from a queue passes the one it captured); undefined when it has none (an event, a job).
 */
export function timeLeft(deadline: number | undefined = Correlation.current()?.deadline, now: number = Date.now()): number | undefined {
  return deadline === undefined ? undefined : deadline - now;
}

/**
 * How long a downstream request may wait: `capMs`, or what is left of the caller's deadline less
 * {@link DEADLINE_MARGIN_MS} when that is shorter. MESSAGING.DEADLINE_EXCEEDED when nothing is left: a
 * request that cannot be answered in time is not sent.
 */
export function downstreamTimeout(capMs: number, subject: string, deadline: number | undefined = Correlation.current()?.deadline, now: number = Date.now()): number {
  const left = timeLeft(deadline, now);
  if (left === undefined) return capMs;
  const budget = Math.min(capMs, left - DEADLINE_MARGIN_MS);
  if (budget <= 0) {
    throw new PhdmfError(CommonErrorCode.DEADLINE_EXCEEDED, `the caller's deadline leaves no time to ask ${subject}; it was not asked`, { subject, leftMs: left });
  }
  return budget;
}

/** MESSAGING.DEADLINE_EXCEEDED when the caller's deadline has passed: work nobody waits for is not started. */
export function refuseIfLate(what: string, deadline: number | undefined = Correlation.current()?.deadline, now: number = Date.now()): void {
  const left = timeLeft(deadline, now);
  if (left !== undefined && left <= 0) {
    throw new PhdmfError(CommonErrorCode.DEADLINE_EXCEEDED, `the caller's deadline passed before ${what}; it was not done`);
  }
}
