// The edge's record of answered Idempotency-Key requests (apps/api-gateway, edge/idempotency.ts):
// a JetStream key-value bucket, so that every edge replica sees the same keys. Like the event stream
// it is the platform's: provisioning (event-stream.ts, as the operator) creates it and keeps its
// retention; the edge's NATS user may only read and write its keys (infra/nats/permissions.mjs).
import { type JetStreamManager, type NatsConnection, nanos, StorageType } from 'nats';
import { JS_STREAM_NOT_FOUND, jsErrorCode, type ProvisionOutcome } from './event-stream';

export const IDEMPOTENCY_BUCKET = {
  name: 'PHDMF_IDEMPOTENCY',
  /** How long a key is remembered: a retry after this is a new request. */
  ttlMs: 24 * 60 * 60 * 1000,
} as const;

/** The stream behind the bucket (JetStream's naming for key-value buckets). */
export const IDEMPOTENCY_STREAM = `KV_${IDEMPOTENCY_BUCKET.name}`;

/** Creates the bucket, or brings its retention back to the declaration; safe to repeat. */
export async function provisionIdempotencyBucket(nc: NatsConnection, jsm: JetStreamManager): Promise<ProvisionOutcome> {
  let existing;
  try {
    existing = (await jsm.streams.info(IDEMPOTENCY_STREAM)).config;
  } catch (error) {
    if (jsErrorCode(error) !== JS_STREAM_NOT_FOUND) throw error;
    // One value per key (the answer), on disk, gone after the retention.
    await nc.jetstream().views.kv(IDEMPOTENCY_BUCKET.name, { history: 1, ttl: IDEMPOTENCY_BUCKET.ttlMs, storage: StorageType.File });
    return 'created';
  }
  if (existing.max_age === nanos(IDEMPOTENCY_BUCKET.ttlMs)) return 'unchanged';
  await jsm.streams.update(IDEMPOTENCY_STREAM, { max_age: nanos(IDEMPOTENCY_BUCKET.ttlMs) });
  return 'updated';
}
