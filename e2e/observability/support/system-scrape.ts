// Scrapes every process of the start command's system (e2e/local-up's LocalSystem): each central
// service's metrics listener (up.mjs gives them consecutive ports from PHDMF_METRICS_PORT) and each
// storage site's /metrics on its local API's port; and checks what every scrape must hold whatever
// the flow was: Node's and the process's own metrics labelled with the process, and no label value
// that is an id, an e-mail address or a raw path, and a bounded number of series per metric.
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
