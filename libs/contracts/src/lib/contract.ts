/**
 * A wire contract: the versioned NATS subject and the class-validator payload class of one message.
 * Subjects are written once, in the message's own folder, and never derived from a class name.
 */
export type PayloadClass<P> = new () => P;

export type MessageKind = 'command' | 'query' | 'event';

/** A message sent as NATS request/reply and answered with a result of type R. */
export interface RequestContract<P, R> {
  readonly kind: 'command' | 'query';
  readonly subject: string;
  readonly payload: PayloadClass<P>;
  /** Type-only marker so callers get R from `bus.request(contract, …)`; never set at run time. */
  readonly __result?: R;
}

/** A durable integration event on the JetStream stream over `phdmf.evt.>`. */
export interface EventContract<P> {
  readonly kind: 'event';
  readonly subject: string;
  readonly payload: PayloadClass<P>;
}

export type AnyRequestContract = RequestContract<object, unknown>;
export type AnyEventContract = EventContract<object>;
export type ResultOf<C> = C extends RequestContract<object, infer R> ? R : never;
export type PayloadOf<C> = C extends { payload: PayloadClass<infer P> } ? P : never;

const SUBJECT_SHAPE = {
  command: /^phdmf\.[a-z0-9-]+(\.[a-z0-9-]+)*\.cmd\.[a-z0-9-]+(\.[a-z0-9-]+)*\.v[1-9][0-9]*$/,
  query: /^phdmf\.[a-z0-9-]+(\.[a-z0-9-]+)*\.qry\.[a-z0-9-]+(\.[a-z0-9-]+)*\.v[1-9][0-9]*$/,
  event: /^phdmf\.evt\.[a-z0-9-]+(\.[a-z0-9-]+)*\.v[1-9][0-9]*$/,
} as const;

function checkSubject(kind: MessageKind, subject: string): void {
  // Fail at import time, not on the wire: a malformed subject is a programming error.
  if (!SUBJECT_SHAPE[kind].test(subject)) {
    throw new Error(`Subject "${subject}" does not follow phdmf.<service>.<${kind === 'command' ? 'cmd' : kind === 'query' ? 'qry' : 'evt'}>.<name>.v<N>`);
  }
}

export function defineCommand<P extends object, R>(subject: string, payload: PayloadClass<P>): RequestContract<P, R> {
  checkSubject('command', subject);
  return Object.freeze({ kind: 'command', subject, payload });
}

export function defineQuery<P extends object, R>(subject: string, payload: PayloadClass<P>): RequestContract<P, R> {
  checkSubject('query', subject);
  return Object.freeze({ kind: 'query', subject, payload });
}

const eventsBySubject = new Map<string, AnyEventContract>();
const eventsByPayload = new Map<PayloadClass<object>, AnyEventContract>();

export function defineEvent<P extends object>(subject: string, payload: PayloadClass<P>): EventContract<P> {
  checkSubject('event', subject);
  if (eventsBySubject.has(subject)) throw new Error(`Event subject "${subject}" is defined twice`);
  const contract: EventContract<P> = Object.freeze({ kind: 'event', subject, payload });
  // Registered so that a consumer can go from a subject on the wire, or from the payload class an
  // @EventsHandler names, to the one contract that defines both.
  eventsBySubject.set(subject, contract);
  eventsByPayload.set(payload, contract);
  return contract;
}

/** The event contract whose payload class is the given one (the class an @EventsHandler names). */
export function eventContractOf(payload: PayloadClass<object>): AnyEventContract | undefined {
  return eventsByPayload.get(payload);
}

/** The event contract of a subject seen on the wire. */
export function eventContractFor(subject: string): AnyEventContract | undefined {
  return eventsBySubject.get(subject);
}

/** Every integration event's subject falls under this wildcard: the one JetStream stream's filter. */
export const EVENT_SUBJECTS_WILDCARD = 'phdmf.evt.>';
