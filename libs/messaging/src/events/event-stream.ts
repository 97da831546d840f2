// The event stream and its durable consumers belong to the platform (DESIGN.md, Security): this one
// declaration is what `npm start` (infra/local/up.mjs), the Kubernetes provisioning Job
// (provision.ts) and the tests' own setup create (with the edge's idempotency bucket, idempotency-bucket.ts), with an identity allowed to manage JetStream.
// Services and sites hold no such right (infra/nats/permissions.mjs): a service binds to its durable
// (EventConsumer), the ledger publishes into the stream, and nobody else can add subjects, seal it,
// republish it or take another's consumer.
import { EVENT_SUBJECTS_WILDCARD, type ServiceName } from '@phdmf/contracts';
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  nanos,
  type NatsConnection,
  RetentionPolicy,
  type StreamConfig,
  StorageType,
} from 'nats';
import { provisionIdempotencyBucket } from './idempotency-bucket';

/** The one durable stream that carries every integration event. */
export const EVENT_STREAM = {
  name: 'PHDMF_EVENTS',
  subjects: [EVENT_SUBJECTS_WILDCARD],
  /**
   * JetStream drops a publish whose Nats-Msg-Id it saw within this window. An outbox relay that
   * crashed after publishing and before marking the row re-publishes within it; beyond it, the
   * consumers' idempotency records still make the duplicate harmless.
   */
  duplicateWindowMs: 60 * 60 * 1000,
} as const;

/** Stable codes of the log lines that say the stream or a durable is missing or differs from its declaration. */
export const EventProvisioningCode = {
  /** The stream or the service's durable consumer does not exist: the platform has not provisioned it. */
  NOT_PROVISIONED: 'MESSAGING.EVENTS_NOT_PROVISIONED',
  /** The durable exists with settings other than its declaration here: provisioning has not been re-run. */
  CONSUMER_DRIFT: 'MESSAGING.EVENT_CONSUMER_DRIFT',
} as const;

/** How to provision, for the log line of a service that finds its stream or durable missing. */
export const PROVISIONING_HINT =
  'the platform provisions the event stream and every durable consumer (npm start does it; on Kubernetes the provision-events Job: node dist/libs/messaging/src/events/provision.js with the operator NATS identity)';

/** One durable consumer of the event stream. Its settings are the platform's: a service cannot change them. */
export interface EventConsumerSpec {
  /** The durable's name: the consuming service's name (its `instanceGroup`, if it sets one). */
  durable: string;
  /** Without an ack for this long, JetStream redelivers (a handler that takes longer is delivered twice, harmlessly: handlers are idempotent). */
  ackWaitMs: number;
  /** Unacknowledged deliveries at once. 1: events in stream order, a failing one retried before any later one (projections of ledger events need that). */
  maxAckPending: number;
}

/** A durable's declaration with the defaults every PHDMF consumer uses. */
export function eventConsumerSpec(durable: string, settings: Partial<Omit<EventConsumerSpec, 'durable'>> = {}): EventConsumerSpec {
  return { durable, ackWaitMs: 30_000, maxAckPending: 1, ...settings };
}

/** The central services that consume events, each with its one durable (replicas share it). */
export const EVENT_CONSUMING_SERVICES = ['node-registry', 'authorization'] as const satisfies readonly ServiceName[];

/**
 * Durables the platform once provisioned and no service reads any more, deleted by provisioning: an
 * unread durable holds nothing back under limits retention, but it is a consumer nobody owns.
 * `aggregation`: its gate asks the ledger itself instead of keeping a projection of the events.
 */
export const RETIRED_DURABLES: readonly string[] = ['aggregation'];

/** Every durable consumer the platform provisions. */
export const EVENT_CONSUMERS: readonly EventConsumerSpec[] = EVENT_CONSUMING_SERVICES.map((service) => eventConsumerSpec(service));

/** The stream's settings as JetStream takes them. */
export function eventStreamConfig(): Partial<StreamConfig> & Pick<StreamConfig, 'name'> {
  return {
    name: EVENT_STREAM.name,
    subjects: [...EVENT_STREAM.subjects],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(EVENT_STREAM.duplicateWindowMs),
  };
}

/** A durable's settings as JetStream takes them. */
export function eventConsumerConfig(spec: EventConsumerSpec): Partial<ConsumerConfig> {
  return {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: EVENT_SUBJECTS_WILDCARD,
    ack_wait: nanos(spec.ackWaitMs),
    max_deliver: -1,
    max_ack_pending: spec.maxAckPending,
  };
}

/** The settings a provisioned durable may be changed in (JetStream refuses to change its ack or deliver policy). */
const UPDATABLE_CONSUMER_FIELDS = ['filter_subject', 'ack_wait', 'max_deliver', 'max_ack_pending'] as const;

/** Where an existing durable differs from its declaration: `field: actual → declared`, empty when it matches. */
export function consumerDrift(info: Pick<ConsumerInfo, 'config'>, spec: EventConsumerSpec): string[] {
  const declared = eventConsumerConfig(spec);
  return (['ack_policy', 'deliver_policy', ...UPDATABLE_CONSUMER_FIELDS] as const)
    .filter((field) => info.config[field] !== declared[field])
    .map((field) => `${field}: ${String(info.config[field])} → ${String(declared[field])}`);
}

/** A stream or durable that provisioning will not fix by itself: an operator has to decide (retrying will not help). */
export class ProvisioningRefused extends Error {
  override readonly name = 'ProvisioningRefused';
}

export type ProvisionOutcome = 'created' | 'updated' | 'unchanged' | 'deleted';

/** What provisioning did: the stream's outcome, each durable's (a retired one only if it was there to delete), and the edge's idempotency bucket's. */
export interface ProvisionReport {
  stream: ProvisionOutcome;
  consumers: Record<string, ProvisionOutcome>;
  idempotencyBucket: ProvisionOutcome;
}

/**
 * Creates the event stream and the durables, or brings existing ones back to their declaration
 * (subjects, duplicate window, no republish; each durable's ack wait, filter, max ack pending), and
 * deletes the retired durables; safe to repeat, and run at every start and rollout so that a changed
 * declaration reaches the server. Needs a connection whose user may manage JetStream (the operator,
 * or a test's own server).
 */
export async function provisionEventStream(nc: NatsConnection, consumers: readonly EventConsumerSpec[] = EVENT_CONSUMERS): Promise<ProvisionReport> {
  const jsm = await nc.jetstreamManager();
  const stream = await provisionStream(jsm);
  const report: ProvisionReport = { stream, consumers: {}, idempotencyBucket: 'unchanged' };
  for (const spec of consumers) report.consumers[spec.durable] = await provisionConsumer(jsm, spec);
  for (const durable of RETIRED_DURABLES.filter((d) => !consumers.some((c) => c.durable === d))) {
    if (await retireConsumer(jsm, durable)) report.consumers[durable] = 'deleted';
  }
  // The platform's other JetStream resource, provisioned with the stream so every provisioner (npm start, the Job, the tests) creates it.
  report.idempotencyBucket = await provisionIdempotencyBucket(nc, jsm);
  return report;
}

/** Deletes a retired durable; false if it was not there. */
async function retireConsumer(jsm: JetStreamManager, durable: string): Promise<boolean> {
  try {
    return await jsm.consumers.delete(EVENT_STREAM.name, durable);
  } catch (error) {
    if (jsErrorCode(error) === JS_CONSUMER_NOT_FOUND) return false;
    throw error;
  }
}

async function provisionStream(jsm: JetStreamManager): Promise<ProvisionOutcome> {
  const config = eventStreamConfig();
  let existing;
  try {
    existing = (await jsm.streams.info(EVENT_STREAM.name)).config;
  } catch (error) {
    if (jsErrorCode(error) !== JS_STREAM_NOT_FOUND) throw error;
    try {
      await jsm.streams.add(config);
      return 'created';
    } catch (addError) {
      // Two provisioners at once (two `npm start`s on one server, a Job retried): the loser finds it there.
      if (!String(addError).includes('already in use')) throw addError;
      existing = (await jsm.streams.info(EVENT_STREAM.name)).config;
    }
  }
  if (existing.sealed) throw new ProvisioningRefused(`the event stream ${EVENT_STREAM.name} is sealed, which JetStream cannot undo: its consumers will never see another event; recreate it (and its durables) from a backup`);
  const matches = existing.subjects.join() === config.subjects?.join() && existing.duplicate_window === config.duplicate_window && existing.discard === config.discard && existing.republish === undefined;
  if (matches) return 'unchanged';
  // `republish: undefined` drops a republish someone added: it would copy every event to a subject of their choosing.
  await jsm.streams.update(EVENT_STREAM.name, { subjects: config.subjects, duplicate_window: config.duplicate_window, discard: config.discard, republish: undefined });
  return 'updated';
}

async function provisionConsumer(jsm: JetStreamManager, spec: EventConsumerSpec): Promise<ProvisionOutcome> {
  const config = eventConsumerConfig(spec);
  let info;
  try {
    info = await jsm.consumers.info(EVENT_STREAM.name, spec.durable);
  } catch (error) {
    if (jsErrorCode(error) !== JS_CONSUMER_NOT_FOUND) throw error;
    await jsm.consumers.add(EVENT_STREAM.name, config);
    return 'created';
  }
  const drift = consumerDrift(info, spec);
  if (drift.length === 0) return 'unchanged';
  if (info.config.ack_policy !== config.ack_policy || info.config.deliver_policy !== config.deliver_policy) {
    // Recreating it would lose its position in the stream: an operator decides that, not a start.
    throw new ProvisioningRefused(`durable ${spec.durable} of ${EVENT_STREAM.name} differs in what JetStream cannot change (${drift.join('; ')}): delete it and provision again to have it redeliver from the start`);
  }
  await jsm.consumers.update(EVENT_STREAM.name, spec.durable, { filter_subject: config.filter_subject, ack_wait: config.ack_wait, max_deliver: config.max_deliver, max_ack_pending: config.max_ack_pending });
  return 'updated';
}

/** JetStream API error codes (nats-server's `err_code`). */
export const JS_STREAM_NOT_FOUND = 10059;
export const JS_CONSUMER_NOT_FOUND = 10014;

/** The JetStream API error code of a failed API call, if it was one. */
export function jsErrorCode(error: unknown): number | undefined {
  const apiError = (error as { api_error?: { err_code?: unknown } } | null)?.api_error;
  return typeof apiError?.err_code === 'number' ? apiError.err_code : undefined;
}
