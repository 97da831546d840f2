// The alert rules and dashboards in k8s/observability are code too: the rules load in Prometheus'
// own validator (promtool, from Debian's `prometheus` package), and every metric a rule or a panel
// queries — with every label it selects or groups by — is one a PHDMF process exports, checked
// against a scrape of a real metrics listener.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { Metrics, collectProcessMetrics, startMetricsListener, type MetricsListener } from '@phdmf/observability';
import { parseExposition } from '../observability/support/exposition';

const DIR = path.resolve(__dirname, '../../k8s/observability');
// Labels Prometheus adds to every series (the scrape config's relabelling, and its own).
const TARGET_LABELS = ['job', 'instance', 'service', 'namespace', 'pod'];

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}
interface Dashboard {
  title: string;
  panels: { title: string; targets: { expr: string }[] }[];
}

function queries(): { where: string; expr: string }[] {
  const rules = parse(readFileSync(path.join(DIR, 'alerts.rules.yml'), 'utf8')) as RuleFile;
  const out = rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `rule ${r.alert ?? r.record ?? '?'}`, expr: r.expr })));
  for (const file of readdirSync(path.join(DIR, 'dashboards'))) {
    const d = JSON.parse(readFileSync(path.join(DIR, 'dashboards', file), 'utf8')) as Dashboard;
    for (const p of d.panels) for (const t of p.targets) out.push({ where: `${file}: ${p.title}`, expr: t.expr });
  }
  return out;
}

/** Metric names a PromQL expression reads (ours, Node's and the process's, and Prometheus' own `up`). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(phdmf_[a-z0-9_]+|process_[a-z0-9_]+|nodejs_[a-z0-9_]+|up)\b(?=\s*[{[)]|\s*$|\s*[<>=!*/+-])/g)].map((m) => m[1]!);
}

/** Label names a selector `metric{a="…", b=~"…"}` names. */
function selectorLabels(expr: string): { metric: string; labels: string[] }[] {
  return [...expr.matchAll(/\b([a-z_:][a-z0-9_:]*)\{([^}]*)\}/g)].map((m) => ({
    metric: m[1]!,
    labels: [...m[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]!),
  }));
}

/** Label names of each of our metrics, histogram series included (their `le`). */
function declaredLabels(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of Object.values(Metrics)) {
    const { name, labelNames } = m as unknown as { name: string; labelNames: readonly string[] };
    const isHistogram = m.constructor.name === 'Histogram';
    out.set(name, [...labelNames]);
    if (isHistogram) {
      out.set(`${name}_bucket`, [...labelNames, 'le']);
      out.set(`${name}_count`, [...labelNames]);
      out.set(`${name}_sum`, [...labelNames]);
    }
  }
  return out;
}

describe('k8s/observability: alert rules and dashboards', () => {
  let listener: MetricsListener;
  let exported: Set<string>;

  beforeAll(async () => {
    collectProcessMetrics('rules-check');
    listener = await startMetricsListener(0, '127.0.0.1');
    const res = await fetch(listener.url);
    expect(res.status).toBe(200);
    const { names } = parseExposition(await res.text());
    // A histogram or summary family is scraped as its series.
    exported = new Set(names.flatMap((n) => [n, `${n}_bucket`, `${n}_count`, `${n}_sum`]));
  });

  afterAll(async () => {
    await listener.close();
  });

  it('load in promtool (check rules)', () => {
    // npm test installs it when it is missing (infra/test/run-tests.mjs); a run without it fails here, not silently.
    if (spawnSync('promtool', ['--version']).status !== 0) throw new Error('promtool not found: apt-get install prometheus (npm test does, when run as root)');
    // throws with promtool's own message when a rule does not parse
    const out = execFileSync('promtool', ['check', 'rules', path.join(DIR, 'alerts.rules.yml')], { encoding: 'utf8' });
    const rules = (parse(readFileSync(path.join(DIR, 'alerts.rules.yml'), 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);
    expect(out).toMatch(new RegExp(`SUCCESS: ${rules.length} rules found`));
  });

  it('fail promtool when a rule does not parse (the check can fail)', () => {
    const broken = path.join(mkdtempSync(path.join(os.tmpdir(), 'phdmf-rules-')), 'broken.rules.yml');
    writeFileSync(broken, 'groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum(rate(phdmf_http_request_duration_seconds_count[5m]) by (route)\n');
    const r = spawnSync('promtool', ['check', 'rules', broken], { encoding: 'utf8' });
    rmSync(path.dirname(broken), { recursive: true, force: true });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/FAILED/);
  });

  it('query only metrics a PHDMF process exports', () => {
    const all = queries();
    expect(all.length).toBeGreaterThan(30);
    const unknown = all.flatMap(({ where, expr }) => metricsIn(expr).filter((m) => m !== 'up' && !exported.has(m)).map((m) => `${where}: ${m}`));
    expect(unknown).toEqual([]);
    // Every one of our metrics is on a dashboard or in a rule: nothing is exported unwatched.
    const used = new Set(all.flatMap(({ expr }) => metricsIn(expr)));
    const unwatched = Object.values(Metrics)
      .map((m) => (m as unknown as { name: string }).name)
      .filter((name) => ![name, `${name}_bucket`, `${name}_count`, `${name}_sum`].some((n) => used.has(n)));
    expect(unwatched).toEqual([]);
  });

  it('select and group only by labels those metrics carry', () => {
    const labels = declaredLabels();
    const wrong: string[] = [];
    for (const { where, expr } of queries()) {
      for (const { metric, labels: named } of selectorLabels(expr)) {
        const known = labels.get(metric);
        if (!known) continue; // process_*, nodejs_*, up: only target labels are selected on them here
        for (const l of named) if (!known.includes(l) && !TARGET_LABELS.includes(l)) wrong.push(`${where}: ${metric}{${l}}`);
      }
      for (const by of expr.matchAll(/\bby \(([^)]*)\)/g)) {
        const metricsHere = metricsIn(expr).filter((m) => labels.has(m));
        for (const l of by[1]!.split(',').map((s) => s.trim())) {
          if (l === 'le' || TARGET_LABELS.includes(l)) continue;
          if (!metricsHere.some((m) => labels.get(m)!.includes(l))) wrong.push(`${where}: by (${l})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
