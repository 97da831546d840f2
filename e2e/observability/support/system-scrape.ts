// Scrapes every process of the start command's system (e2e/local-up's LocalSystem): each central
// service's metrics listener (up.mjs gives them consecutive ports from PHDMF_METRICS_PORT) and each
// storage site's /metrics on its local API's port; and checks what every scrape must hold whatever
// the flow was: Node's and the process's own metrics labelled with the process, and no label value
// that is an id, an e-mail address or a raw path, and a bounded number of series per metric.
import { AggregationRunAnalysis, StorageSummarize } from '@phdmf/contracts';
import { subjectLabel } from '@phdmf/observability';
import { CENTRAL_SERVICES, SITES, type LocalSystem, type SiteId } from '../../local-up/support/local-system';
import { parseExposition, type Sample } from './exposition';

export type ProcessName = (typeof CENTRAL_SERVICES)[number] | SiteId;

export interface Scrape {
  process: ProcessName;
  url: string;
  samples: Sample[];
  /** The sum of a metric's samples whose labels include `labels`. */
  value(name: string, labels?: Record<string, string>): number;
  /** Whether the scrape declares a metric family (`# TYPE`), whatever its samples. */
  declares(name: string): boolean;
}

/** Most series one metric may have in one process: its labels are small fixed sets (subjects, routes, codes). */
export const MAX_SERIES_PER_METRIC = 400;

// Ids PHDMF makes (`ds-`, `an-`, `m-`, `rq-`, `tf-`, `tx-` + a UUID), bare UUIDs, hashes and
// transaction ids (long hex), e-mail addresses.
const ID_LIKE = [/\b(ds|an|m|rq|tf|tx)-[0-9a-f]{8}/i, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/i, /\b[0-9a-f]{16,}\b/i, /@/];

export function metricsUrls(system: LocalSystem): { process: ProcessName; url: string }[] {
  return [
    ...CENTRAL_SERVICES.map((process, i) => ({ process, url: `http://127.0.0.1:${system.ports.metrics + i}/metrics` })),
    ...SITES.map((s) => ({ process: s.nodeId, url: `${system.siteUrl(s.nodeId)}/metrics` })),
  ];
}

export async function scrapeSystem(system: LocalSystem): Promise<Map<ProcessName, Scrape>> {
  const out = new Map<ProcessName, Scrape>();
  for (const { process, url } of metricsUrls(system)) {
    const res = await fetch(url);
    if (res.status !== 200) throw new Error(`${process}: GET ${url} answered ${res.status}`);
    const { names, samples } = parseExposition(await res.text());
    out.set(process, {
      process,
      url,
      samples,
      value: (name, labels = {}) => samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0),
      declares: (name) => names.includes(name),
    });
  }
  return out;
}

/** Label values that look like an id, an e-mail address or a raw path, as `process metric{label="value"}`. */
export function unboundedLabels(scrape: Scrape): string[] {
  const bad: string[] = [];
  for (const s of scrape.samples) {
    for (const [label, v] of Object.entries(s.labels)) {
      const rawPath = label === 'route' && v !== 'unmatched' && v.split('/').some((part) => ID_LIKE.some((re) => re.test(part)));
      if (rawPath || ID_LIKE.some((re) => re.test(v))) bad.push(`${scrape.process} ${s.name}{${label}="${v}"}`);
    }
  }
  return bad;
}

/** Metrics (histograms as their `_count` series) with more series than MAX_SERIES_PER_METRIC, with their counts. */
export function crowdedMetrics(scrape: Scrape): string[] {
  const series = new Map<string, number>();
  for (const s of scrape.samples) {
    if (s.name.endsWith('_bucket') || s.name.endsWith('_sum')) continue;
    series.set(s.name, (series.get(s.name) ?? 0) + 1);
  }
  return [...series].filter(([, n]) => n > MAX_SERIES_PER_METRIC).map(([name, n]) => `${scrape.process} ${name}: ${n} series`);
}

/**
 * What every process of the start command's system must export once the README's walkthrough has run
 * (steps 0–15: logins, a join, an upload at Northbridge, grants, analyses — the dp ones, one refused
 * for its budget — and Northbridge's tamper finding): the named metrics, with plausible values.
 */
export function expectWalkthroughMetrics(scrapes: Map<ProcessName, Scrape>): void {
  expect([...scrapes.keys()].sort()).toEqual([...CENTRAL_SERVICES, ...SITES.map((s) => s.nodeId)].sort());
  const at = (name: ProcessName): Scrape => {
    const scrape = scrapes.get(name);
    if (!scrape) throw new Error(`no scrape of ${name}`);
    return scrape;
  };
  const runAnalysis = AggregationRunAnalysis.SUBJECT;
  const summarize = subjectLabel(StorageSummarize.contractFor('any-node').subject);
  const ok = { outcome: 'ok' };

  for (const scrape of scrapes.values()) {
    // Node's and the process' own, labelled with the process (a site is the data-storage service).
    const service = SITES.some((s) => s.nodeId === scrape.process) ? 'data-storage' : scrape.process;
    expect({ process: scrape.process, cpu: scrape.value('process_cpu_user_seconds_total', { service }) > 0 }).toEqual({ process: scrape.process, cpu: true });
    expect(scrape.declares('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(scrape.declares('phdmf_nats_request_duration_seconds')).toBe(true);
  }
  // Every service on the bus answered requests (server side), counted per subject with their latency.
  for (const name of ['ledger', 'accounts', 'node-registry', 'authorization', 'aggregation'] as const) {
    expect({ name, answered: at(name).value('phdmf_nats_request_duration_seconds_count', { side: 'server', ...ok }) > 0 }).toEqual({ name, answered: true });
  }
  // The edge: HTTP per route template and status, and its requests on the bus (client side).
  const edge = at('api-gateway');
  expect(edge.value('phdmf_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/analyses', status: '201' })).toBeGreaterThanOrEqual(2);
  expect(edge.value('phdmf_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/auth/login', status: '200' })).toBeGreaterThan(0);
  expect(edge.value('phdmf_nats_request_duration_seconds_count', { side: 'client', subject: runAnalysis, ...ok })).toBeGreaterThanOrEqual(2);
  expect(edge.value('phdmf_nats_request_duration_seconds_count', { side: 'client', subject: runAnalysis, code: 'BUDGET.EXHAUSTED' })).toBeGreaterThanOrEqual(1);
  // The ledger: blocks committed (latency and size observed), transactions per validation, height, the relay's lag.
  const ledger = at('ledger');
  expect(ledger.value('phdmf_ledger_commit_duration_seconds_count')).toBeGreaterThan(0);
  expect(ledger.value('phdmf_ledger_commit_duration_seconds_sum')).toBeGreaterThan(0);
  expect(ledger.value('phdmf_ledger_block_transactions_sum')).toBeGreaterThanOrEqual(ledger.value('phdmf_ledger_block_transactions_count'));
  expect(ledger.value('phdmf_ledger_transactions_total', { validation: 'valid' })).toBeGreaterThan(10);
  expect(ledger.value('phdmf_ledger_height_blocks')).toBeGreaterThan(10);
  expect(ledger.declares('phdmf_ledger_relay_lag_blocks')).toBe(true);
  expect(ledger.value('phdmf_ledger_relay_lag_blocks')).toBeLessThan(ledger.value('phdmf_ledger_height_blocks'));
  // Aggregation: analyses per kind and outcome (the walkthrough's complete ones and its refused dp one), each site's time.
  const aggregation = at('aggregation');
  expect(aggregation.value('phdmf_analyses_total', { outcome: 'complete' })).toBeGreaterThanOrEqual(3);
  expect(aggregation.value('phdmf_analyses_total', { outcome: 'BUDGET.EXHAUSTED' })).toBeGreaterThanOrEqual(1);
  expect(aggregation.value('phdmf_site_summary_duration_seconds_count', { site: 'site-north', ...ok })).toBeGreaterThan(0);
  // The read models caught the ledger's events through their durable consumers; outboxes are watched.
  expect(at('authorization').value('phdmf_jetstream_events_handled_total', ok)).toBeGreaterThan(0);
  expect(at('authorization').declares('phdmf_jetstream_consumer_pending_messages')).toBe(true);
  expect(at('authorization').declares('phdmf_outbox_backlog_messages')).toBe(true);
  // Sites: their local API per route, the summaries they answered, and Northbridge's tamper finding (steps 14–15).
  const north = at('site-north');
  expect(north.value('phdmf_http_request_duration_seconds_count', { method: 'POST', route: '/datasets', status: '201' })).toBeGreaterThan(0);
  expect(north.value('phdmf_nats_request_duration_seconds_count', { side: 'server', subject: summarize, ...ok })).toBeGreaterThan(0);
  expect(north.value('phdmf_tamper_findings_total')).toBeGreaterThanOrEqual(1);
  for (const site of SITES) expect(at(site.nodeId).value('phdmf_http_request_duration_seconds_count')).toBeGreaterThan(0);

  // No label value is an id, an e-mail address or a raw path; no metric grows a series per request.
  expect([...scrapes.values()].flatMap(unboundedLabels)).toEqual([]);
  expect([...scrapes.values()].flatMap(crowdedMetrics)).toEqual([]);
}
