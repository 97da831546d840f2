import { Counter, Gauge, Histogram, collectDefaultMetrics, register, type Registry } from 'prom-client';

/**
 * Every metric PHDMF exports, in one place, so the dashboards, the alert rules and the test that
 * checks them (k8s/observability) read one list. Label values are bounded by construction: subjects
 * as contracts declare them (a node's token folded, see subjectLabel), route templates, error codes,
 * kinds and outcomes. Never an id, a user name or a raw path.
 *
 * One process, one registry: prom-client's default one, so Node's own metrics sit beside these.
 */
export const metricsRegistry: Registry = register;

const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const Metrics = {
  /** NATS request/reply, seen by the caller (`client`) and by the service that answers (`server`). */
  natsRequestDuration: new Histogram({
    name: 'phdmf_nats_request_duration_seconds',
    help: 'NATS request/reply latency per subject, side (client|server) and outcome; code is the error code or "none"',
    labelNames: ['side', 'subject', 'outcome', 'code'] as const,
    buckets: LATENCY_BUCKETS,
  }),
  httpRequestDuration: new Histogram({
    name: 'phdmf_http_request_duration_seconds',
    help: 'HTTP latency per method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
  }),
  eventsHandled: new Counter({
    name: 'phdmf_jetstream_events_handled_total',
    help: 'JetStream events handled by a durable consumer, per outcome (ok|failed|invalid)',
    labelNames: ['durable', 'outcome'] as const,
  }),
  consumerRedeliveries: new Counter({
    name: 'phdmf_jetstream_consumer_redeliveries_total',
    help: 'Deliveries of an event a durable consumer had been given before',
    labelNames: ['durable'] as const,
  }),
  consumerPending: new Gauge({
    name: 'phdmf_jetstream_consumer_pending_messages',
    help: 'Events in the stream the durable has not yet been given (its lag), as of its last delivery',
    labelNames: ['durable'] as const,
  }),
  outboxBacklog: new Gauge({
    name: 'phdmf_outbox_backlog_messages',
    help: 'Committed outbox rows not yet published to JetStream, as of the relay\'s last run',
  }),
  ledgerCommitDuration: new Histogram({
    name: 'phdmf_ledger_commit_duration_seconds',
    help: 'Time to validate and commit one block of the embedded ledger',
    buckets: LATENCY_BUCKETS,
  }),
  ledgerBlockSize: new Histogram({
    name: 'phdmf_ledger_block_transactions',
    help: 'Transactions per committed block',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
  }),
  ledgerTransactions: new Counter({
    name: 'phdmf_ledger_transactions_total',
    help: 'Transactions committed in blocks, per validation result (valid|mvcc_conflict|other); rate() gives tx/s',
    labelNames: ['validation'] as const,
  }),
  ledgerHeight: new Gauge({
    name: 'phdmf_ledger_height_blocks',
    help: 'Blocks on the chain (the embedded ledger\'s height)',
  }),
  relayLag: new Gauge({
    name: 'phdmf_ledger_relay_lag_blocks',
    help: 'Blocks committed on the chain whose events the relay has not yet published',
  }),
  fabricDuration: new Histogram({
    name: 'phdmf_fabric_duration_seconds',
    help: 'Fabric gateway calls per phase (evaluate|endorse|submit|commit) and outcome',
    labelNames: ['phase', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
  }),
  analyses: new Counter({
    name: 'phdmf_analyses_total',
    help: 'Analyses run by the aggregation service, per kind and outcome (ok or the error code)',
    labelNames: ['kind', 'outcome'] as const,
  }),
  siteSummaryDuration: new Histogram({
    name: 'phdmf_site_summary_duration_seconds',
    help: 'Time one site took to answer its part of an analysis, per site node and outcome',
    labelNames: ['site', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
  }),
  disclosureWithheld: new Counter({
    name: 'phdmf_disclosure_withheld_total',
    help: 'Statistics a site withheld under its disclosure rules, per reason code',
    labelNames: ['code'] as const,
  }),
  tamperFindings: new Counter({
    name: 'phdmf_tamper_findings_total',
    help: 'Stored files whose hash no longer matches the ledger\'s record',
  }),
  loginFailures: new Counter({
    name: 'phdmf_auth_login_failures_total',
    help: 'Refused logins per reason code',
    labelNames: ['code'] as const,
  }),
  throttled: new Counter({
    name: 'phdmf_http_throttled_total',
    help: 'HTTP requests refused by a rate limit, per route template',
    labelNames: ['route'] as const,
  }),
} as const;

type LatencyChild = ReturnType<typeof Metrics.natsRequestDuration.labels>;

// Label children per (side, subject, outcome), made once: a request looks its series up by one key
// instead of building a label object (subjects and codes are constants, so the map stays small).
const natsChildren = new Map<string, LatencyChild>();

/**
 * The latency series of one request/reply, seen by the caller (`client`) or by the service that
 * answered (`server`); `code` is a failure's stable code (undefined: ok). `subject` is a label
 * already (subjectLabel).
 */
export function natsLatency(side: 'client' | 'server', subject: string, code?: string): LatencyChild {
  const key = code === undefined ? `${side} ${subject}` : `${side} ${subject} ${code}`;
  let child = natsChildren.get(key);
  if (child === undefined) {
    child = Metrics.natsRequestDuration.labels({ side, subject, outcome: code === undefined ? 'ok' : 'error', code: code ?? 'none' });
    natsChildren.set(key, child);
  }
  return child;
}

const natsAttributes = new Map<string, Readonly<Record<string, string>>>();

/** A NATS span's attributes (messaging system and subject), one object per subject label. */
export function natsSpanAttributes(subject: string): Readonly<Record<string, string>> {
  let attributes = natsAttributes.get(subject);
  if (attributes === undefined) {
    attributes = Object.freeze({ 'messaging.system': 'nats', 'messaging.destination.name': subject });
    natsAttributes.set(subject, attributes);
  }
  return attributes;
}

let defaultsCollected = false;

/** Node's own metrics (heap, event-loop lag, GC, handles) and process CPU/memory, labelled with the service. */
export function collectProcessMetrics(service: string): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry });
}

/** Seconds since a `process.hrtime.bigint()` reading: what the histograms observe. */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Times one Fabric gateway call (evaluate, endorse, submit to the orderer, wait for the commit status) with its outcome. */
export async function timeFabricPhase<T>(phase: 'evaluate' | 'endorse' | 'submit' | 'commit', fn: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  let outcome = 'error';
  try {
    const result = await fn();
    outcome = 'ok';
    return result;
  } finally {
    Metrics.fabricDuration.observe({ phase, outcome }, secondsSince(start));
  }
}
