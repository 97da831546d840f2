import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type MsgHdrs } from 'nats';
import { Correlation, type CorrelationScope } from '@phdmf/logging';
import { injectTraceContext } from '@phdmf/observability';
import { natsHeaderSetter } from './trace-headers';

/** Header names used on every PHDMF message; JetStream's own de-duplication header is Nats-Msg-Id. */
export const Header = {
  CorrelationId: 'Phdmf-Correlation-Id',
  CausationId: 'Phdmf-Causation-Id',
  Actor: 'Phdmf-Actor',
  EventId: 'Phdmf-Event-Id',
  OccurredAt: 'Phdmf-Occurred-At',
  /** The caller's absolute deadline (epoch milliseconds): when it stops waiting for the reply. */
  Deadline: 'Phdmf-Deadline',
  /** The edge's Idempotency-Key, scoped to the user and the request (64 hex digits): see CorrelationScope. */
  IdempotencyKey: 'Phdmf-Idempotency-Key',
} as const;

const IDEMPOTENCY_KEY_PATTERN = /^[0-9a-f]{64}$/;

export type ActorHeader = NonNullable<CorrelationScope['actor']>;

/**
 * Builds outgoing headers from the caller's correlation scope (or a fresh one). A request carries
 * its deadline: its own, or the deadline of the request being served if that comes first, so no
 * hop works for a caller that has stopped waiting (absolute time: hosts keep their clocks in sync).
 */
export function outgoingHeaders(actor?: ActorHeader, deadline?: number): MsgHdrs {
  const scope = Correlation.current();
  const h = natsHeaders();
  // append, not set: the headers are new, and set() first deletes, scanning the names each time.
  h.append(Header.CorrelationId, scope?.correlationId ?? randomUUID());
  const who = actor ?? scope?.actor;
  if (who) h.append(Header.Actor, JSON.stringify(who));
  if (scope?.causationId) h.append(Header.CausationId, scope.causationId);
  // Events carry none: they are durable and handled whenever their consumer gets to them.
  if (deadline !== undefined) h.append(Header.Deadline, String(Math.min(deadline, scope?.deadline ?? deadline)));
  // Requests only: an event is handled on its own, and a retry of the request is not a retry of its consumers' work.
  if (deadline !== undefined && scope?.idempotencyKey !== undefined) h.append(Header.IdempotencyKey, scope.idempotencyKey);
  injectTraceContext(h, natsHeaderSetter);
  return h;
}

/** A message's headers, read once: the first value under each name, names exactly as sent. */
export type HeaderValues = ReadonlyMap<string, string>;

/**
 * Reads a message's headers in one pass. nats' `MsgHdrs.get()` copies and filters the list of
 * names on every call, and a request is asked for four to six (its scope, then its trace context).
 */
export function readHeaders(h: MsgHdrs | undefined): HeaderValues {
  const values = new Map<string, string>();
  if (h) {
    for (const [name, all] of h) {
      const first = all[0];
      if (first !== undefined) values.set(name, first);
    }
  }
  return values;
}

/** Reads the correlation scope a message carries (its headers as readHeaders read them); a message without one starts a new conversation. */
export function scopeFromHeaders(h: HeaderValues, causationId?: string): CorrelationScope {
  const correlationId = h.get(Header.CorrelationId) || randomUUID();
  const actor = parseActor(h.get(Header.Actor));
  const deadline = Number(h.get(Header.Deadline) || Number.NaN);
  const idempotencyKey = h.get(Header.IdempotencyKey);
  return {
    correlationId,
    ...(actor ? { actor } : {}),
    ...(causationId ? { causationId } : {}),
    ...(Number.isSafeInteger(deadline) && deadline > 0 ? { deadline } : {}),
    ...(idempotencyKey && IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey) ? { idempotencyKey } : {}),
  };
}

function parseActor(raw: string | undefined): ActorHeader | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<ActorHeader>;
    if (typeof value.userId !== 'string' || !Array.isArray(value.roles)) return undefined;
    return {
      userId: value.userId,
      roles: value.roles.filter((r): r is string => typeof r === 'string'),
      ...(typeof value.organisationId === 'string' ? { organisationId: value.organisationId } : {}),
    };
  } catch {
    // A malformed actor header is treated as absent: the receiver then refuses actor-bound work.
    return undefined;
  }
}
