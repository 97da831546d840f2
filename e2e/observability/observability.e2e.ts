// Acceptance of issue 19, over the real system: nats-server with JetStream, the ledger service in
// its own process, accounts, node-registry, authorization, aggregation, the edge and three storage
// sites. One analysis over the three sites is one trace — edge → aggregation → ledger → each site →
// back — parent-linked across NATS; the log lines of that request carry its trace id; and a scrape
// of the in-process services and of the ledger process finds the named metrics with plausible
// values and no unbounded label value.
//
// The in-process services export to an in-memory exporter; the ledger process exports over OTLP/HTTP
// (its OTEL_EXPORTER_OTLP_ENDPOINT) to a receiver this test runs on a loopback port.
import { Writable } from 'node:stream';
import { SpanKind } from '@opentelemetry/api';
import { AlwaysOnSampler, InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AggregationRunAnalysis, LedgerCheckAccess, LedgerRecordAnalysis, StorageSummarize } from '@phdmf/contracts';
import { createLogger } from '@phdmf/logging';
import { initTracing, metricsRegistry, shutdownTracing, subjectLabel, UseCaseSpan } from '@phdmf/observability';
import { freePort } from '@phdmf/testing';
import { admittedInstitution, unique, type Institution } from '../join/support/consortium';
import { Api } from '../join/support/http';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Stack, type StorageNode } from '../join/support/stack';
import { cohortCsv } from '../analysis/support/cohorts';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { parseExposition, type Sample } from './support/exposition';

jest.setTimeout(240_000);

interface Site {
  institution: Institution;
  memberToken: string;
  node: StorageNode;
  datasetId: string;
}

/** One span, in-process or from the ledger, as the assertions need it. */
interface AnySpan {
  service: string;
  name: string;
  kind: 'server' | 'client' | 'consumer' | 'other';
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

const KIND: Partial<Record<SpanKind, AnySpan['kind']>> = { [SpanKind.SERVER]: 'server', [SpanKind.CLIENT]: 'client', [SpanKind.CONSUMER]: 'consumer' };

function fromSdk(s: ReadableSpan): AnySpan {
  return {
    service: 'in-process',
    name: s.name,
    kind: KIND[s.kind] ?? 'other',
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    ...(s.parentSpanContext ? { parentSpanId: s.parentSpanContext.spanId } : {}),
    attributes: s.attributes,
  };
}

function fromOtlp(s: ReceivedSpan): AnySpan {
  // OTLP numbers kinds from 1 (internal); the API from 0.
  const kinds: Record<number, AnySpan['kind']> = { 2: 'server', 3: 'client', 5: 'consumer' };
  return { service: s.service, name: s.name, kind: kinds[s.kind] ?? 'other', traceId: s.traceId, spanId: s.spanId, ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}), attributes: s.attributes };
}

describe('issue 19 acceptance: one analysis is one trace; metrics from every process', () => {
  const exporter = new InMemorySpanExporter();
  const logLines: Record<string, unknown>[] = [];
  let receiver: OtlpReceiver;
  let ledgerMetricsPort: number;
  let stack: Stack;
  let api: Api;
  let researcher: string;
  let researcherId: string;
  let researcherEmail: string;
  const sites: Site[] = [];
  const knownIds: string[] = [];
  let analysis: { analysisId: string; status: string; txId: string };
  let traceId: string;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    ledgerMetricsPort = await freePort();
    // Every trace sampled here (the default samples 1 % of them); the ledger process follows the edge's decision (parent-based).
    expect(initTracing({ service: 'e2e', version: 'test', exporter, sampler: new AlwaysOnSampler() })).toBe(true);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    stack = await Stack.start({
      aggregation: { env: { POOL_MIN_COUNT: '4', SITE_TIMEOUT_MS: '30000' } },
      ledgerEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100', METRICS_PORT: String(ledgerMetricsPort) },
      logger: createLogger({ service: 'e2e', level: 'info', destination: sink }),
    });
    api = new Api(stack.baseUrl);
    const admin = (await api.login(ADMIN_EMAIL, ADMIN_PASSWORD)).accessToken;
    for (const [i, label] of ['north', 'south', 'east'].entries()) {
      const admitted = await admittedInstitution(api, admin, `${label}-${unique()}`);
      const node = await stack.startStorageNode(admitted.institution.nodeId, admitted.institution.memberId, admitted.institution.nodePrivateKeyPem);
      const res = await fetch(`${node.url}/datasets?name=${encodeURIComponent(`cohort ${i}`)}&fileName=cohort.csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admitted.memberToken}`, 'content-type': 'text/csv' },
        body: cohortCsv(200 + 100 * i, i + 1),
      });
      expect(res.status).toBe(201);
      const datasetId = ((await res.json()) as { datasetId: string }).datasetId;
      sites.push({ institution: admitted.institution, memberToken: admitted.memberToken, node, datasetId });
      knownIds.push(datasetId, admitted.institution.memberId, admitted.institution.adminUserId, admitted.institution.memberUserId);
    }
    researcherEmail = `researcher-${unique()}@uni.test`;
    researcherId = (await api.register(researcherEmail, 'a researcher password')).userId;
    researcher = (await api.login(researcherEmail, 'a researcher password')).accessToken;
    knownIds.push(researcherId, researcherEmail);
    // The market learns of the releases from events: wait until all three can be asked for.
    for (const site of sites) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const res = await api.post<{ requestId: string }>(
          '/api/v1/access-requests',
          { datasetId: site.datasetId, purpose: 'tracing one analysis', columns: ['age', 'bmi'], statistics: ['count', 'mean'], requestedExpiry: new Date(Date.now() + 86_400_000).toISOString() },
          researcher,
        );
        if (res.status === 201) {
          knownIds.push(res.body.requestId);
          const granted = await api.post(`/api/v1/access-requests/${res.body.requestId}/grant`, {}, site.memberToken);
          expect(granted.status).toBe(200);
          break;
        }
        if (Date.now() > deadline) throw new Error(`access request for ${site.datasetId} refused: ${JSON.stringify(res.body)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    // The grants reach aggregation as events too.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await fetch(`${stack.baseUrl}/api/v1/analyses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${researcher}`, 'content-type': 'application/json' },
        body: JSON.stringify({ datasets: sites.map((s) => s.datasetId), columns: ['age', 'bmi'], statistics: ['count', 'mean'] }),
      });
      if (res.status === 201) {
        analysis = (await res.json()) as typeof analysis;
        traceId = res.headers.get('x-request-id') ?? '';
        break;
      }
      if (Date.now() > deadline) throw new Error(`analysis refused: ${res.status} ${await res.text()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    knownIds.push(analysis.analysisId, analysis.txId);
  });

  afterAll(async () => {
    for (const s of sites) await s.node.stop().catch(() => undefined);
    await stack.stop().catch(() => undefined);
    await shutdownTracing();
    await receiver.close();
  });

  it('is one trace, edge → aggregation → ledger and each site → back, parent-linked across NATS', async () => {
    expect(analysis.status).toBe('complete');
    // The edge's correlation id (X-Request-Id, no caller's given) is the trace id.
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    // The ledger process exports in batches: wait for its answer to every ledger request of this trace.
    const asked = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId && s.kind === SpanKind.CLIENT && s.name.startsWith('phdmf.ledger.')).length;
    expect(asked).toBeGreaterThanOrEqual(4);
    const deadline = Date.now() + 20_000;
    // Its server spans (one per request) and the chaincode call under each: twice as many spans.
    while (receiver.spans().filter((s) => s.traceId === traceId && s.service === 'ledger').length < 2 * asked && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const spans = [...exporter.getFinishedSpans().map(fromSdk), ...receiver.spans().map(fromOtlp)].filter((s) => s.traceId === traceId);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentOf = (s: AnySpan): AnySpan | undefined => (s.parentSpanId === undefined ? undefined : byId.get(s.parentSpanId));
    const descends = (s: AnySpan, ancestor: AnySpan): boolean => {
      for (let p = parentOf(s); p; p = parentOf(p)) if (p === ancestor) return true;
      return false;
    };

    const edge = spans.filter((s) => s.kind === 'server' && s.name === 'POST /api/v1/analyses');
    expect(edge).toHaveLength(1);
    const root = edge[0]!;
    expect(root.parentSpanId).toBeUndefined();

    const runSubject = AggregationRunAnalysis.SUBJECT;
    const aggregation = spans.find((s) => s.kind === 'server' && s.name === runSubject);
    expect(aggregation).toBeDefined();
    // Server span ← the edge's client span on the same subject ← the HTTP span.
    expect(parentOf(aggregation!)).toMatchObject({ kind: 'client', name: runSubject });
    expect(parentOf(parentOf(aggregation!)!)).toBe(root);

    // Each site answered its summary in a server span whose parent is aggregation's client span.
    const summarySubject = subjectLabel(StorageSummarize.contractFor(sites[0]!.institution.nodeId).subject);
    const siteSpans = spans.filter((s) => s.kind === 'server' && s.name === summarySubject);
    expect(siteSpans).toHaveLength(3);
    for (const s of siteSpans) {
      expect(parentOf(s)).toMatchObject({ kind: 'client', name: summarySubject });
      expect(descends(s, aggregation!)).toBe(true);
    }

    // The ledger (its own process, over OTLP): every server span is the child of a client span of this trace.
    const ledger = spans.filter((s) => s.service === 'ledger' && s.kind === 'server');
    expect(ledger).toHaveLength(asked);
    for (const s of ledger) expect(parentOf(s)).toMatchObject({ kind: 'client', name: s.name });
    // …asked by each site (its grant check) and by aggregation itself (its grant gate, the analysis record).
    for (const site of siteSpans) expect(ledger.some((l) => descends(l, site))).toBe(true);
    const record = ledger.find((l) => l.name === LedgerRecordAnalysis.SUBJECT);
    const recordStep = spans.find((s) => s.name === UseCaseSpan.AnalysisRecord);
    expect(record && parentOf(parentOf(record)!)).toBe(recordStep);

    // Inside aggregation, the use case's steps, in its server span: grant check (the ledger asked
    // under it), site summaries (each site asked under it, each answer verified), pooling, record.
    const step = (name: string, under: AnySpan): AnySpan[] => spans.filter((s) => s.name === name && descends(s, under));
    for (const name of [UseCaseSpan.AnalysisGrantCheck, UseCaseSpan.AnalysisSiteSummaries, UseCaseSpan.AnalysisPooling, UseCaseSpan.AnalysisRecord]) {
      expect({ name, found: step(name, aggregation!).length }).toEqual({ name, found: 1 });
    }
    const [grantCheck, summaries] = [step(UseCaseSpan.AnalysisGrantCheck, aggregation!)[0]!, step(UseCaseSpan.AnalysisSiteSummaries, aggregation!)[0]!];
    expect(step(UseCaseSpan.AnalysisVerification, summaries)).toHaveLength(3);
    for (const s of siteSpans) expect(descends(s, summaries)).toBe(true);
    const checkAccess = (l: AnySpan) => l.name === LedgerCheckAccess.SUBJECT;
    expect(ledger.filter((l) => checkAccess(l) && descends(l, grantCheck))).toHaveLength(3);

    // In the ledger, the chaincode call under its server span: the grant checks evaluate, the record submits.
    const chaincodeCall = (l: AnySpan, name: string) => spans.filter((s) => s.service === 'ledger' && s.name === name && parentOf(s) === l);
    for (const l of ledger.filter(checkAccess)) expect(chaincodeCall(l, `${UseCaseSpan.LedgerEvaluate} access:checkAccess`)).toHaveLength(1);
    expect(chaincodeCall(record!, `${UseCaseSpan.LedgerSubmit} audit:recordAnalysis`)).toHaveLength(1);

    // At each site, its steps under its server span: grant check (with its ledger check under it),
    // re-hash, DuckDB, disclosure control, signature.
    for (const site of siteSpans) {
      for (const name of [UseCaseSpan.SiteGrantCheck, UseCaseSpan.SiteRehash, UseCaseSpan.SiteEngine, UseCaseSpan.SiteDisclosure, UseCaseSpan.SiteSignature]) {
        expect({ name, found: step(name, site).length }).toEqual({ name, found: 1 });
      }
      const siteGrantCheck = step(UseCaseSpan.SiteGrantCheck, site)[0]!;
      expect(ledger.filter((l) => checkAccess(l) && descends(l, siteGrantCheck))).toHaveLength(1);
    }

    // Attributes carry names and codes, never personal data or ids.
    for (const s of spans) {
      const values = Object.values(s.attributes).map(String);
      for (const id of knownIds) expect(values).not.toContain(id);
    }
  });

  it('writes the log lines of that request with its trace id (and the trace id as correlation id)', () => {
    const ofAnalysis = logLines.filter((l) => l.analysisId === analysis.analysisId);
    // aggregation's "site summaries in" and "analysis recorded", and each site's "summary released"
    expect(ofAnalysis.length).toBeGreaterThanOrEqual(5);
    for (const line of ofAnalysis) {
      expect(line).toMatchObject({ traceId, correlationId: traceId });
    }
  });

  it('exports the named metrics from the in-process services and the ledger process, with bounded labels', async () => {
    const local = parseExposition(await metricsRegistry.metrics());
    const res = await fetch(`http://127.0.0.1:${ledgerMetricsPort}/metrics`);
    expect(res.status).toBe(200);
    const ledger = parseExposition(await res.text());
    const value = (samples: Sample[], name: string, labels: Record<string, string> = {}): number =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

    // HTTP per route template, not per path.
    expect(value(local.samples, 'phdmf_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/analyses', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(value(local.samples, 'phdmf_http_request_duration_seconds_count', { route: '/api/v1/access-requests/:requestId/grant' })).toBeGreaterThanOrEqual(3);
    // NATS request/reply, both sides.
    for (const side of ['client', 'server']) {
      expect(value(local.samples, 'phdmf_nats_request_duration_seconds_count', { side, subject: AggregationRunAnalysis.SUBJECT, outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    }
    expect(value(local.samples, 'phdmf_nats_request_duration_seconds_count', { side: 'client', subject: subjectLabel(StorageSummarize.contractFor('x').subject) })).toBeGreaterThanOrEqual(3);
    expect(value(local.samples, 'phdmf_analyses_total', { kind: 'multi-dataset', outcome: 'complete' })).toBeGreaterThanOrEqual(1);
    for (const site of sites) {
      expect(value(local.samples, 'phdmf_site_summary_duration_seconds_count', { site: site.institution.nodeId, outcome: 'ok' })).toBe(1);
    }
    expect(value(local.samples, 'phdmf_jetstream_events_handled_total', { outcome: 'ok' })).toBeGreaterThan(0);
    expect(local.names).toContain('phdmf_outbox_backlog_messages');
    // The ledger process: blocks, transactions, the relay, its NATS server side, Node's own.
    expect(value(ledger.samples, 'phdmf_ledger_commit_duration_seconds_count')).toBeGreaterThan(0);
    expect(value(ledger.samples, 'phdmf_ledger_block_transactions_sum')).toBeGreaterThanOrEqual(value(ledger.samples, 'phdmf_ledger_block_transactions_count'));
    expect(value(ledger.samples, 'phdmf_ledger_transactions_total', { validation: 'valid' })).toBeGreaterThan(0);
    expect(value(ledger.samples, 'phdmf_ledger_height_blocks')).toBeGreaterThan(1);
    expect(ledger.samples.some((s) => s.name === 'phdmf_ledger_relay_lag_blocks')).toBe(true);
    expect(value(ledger.samples, 'phdmf_nats_request_duration_seconds_count', { side: 'server', outcome: 'ok' })).toBeGreaterThan(0);
    expect(value(ledger.samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(ledger.samples.find((s) => s.name === 'process_cpu_user_seconds_total')?.labels.service).toBe('ledger');

    // No label value is an id, an e-mail or a raw path.
    for (const s of [...local.samples, ...ledger.samples]) {
      for (const [label, v] of Object.entries(s.labels)) {
        expect({ label, v, id: knownIds.includes(v) }).toMatchObject({ id: false });
        expect({ label, v }).not.toMatchObject({ v: expect.stringMatching(/@|[0-9a-f]{16,}|[0-9a-f]{8}-[0-9a-f]{4}-/i) });
        if (label === 'route') expect(v === 'unmatched' || !/\/(ds|an|ar)-/.test(v)).toBe(true);
      }
    }
  });
});
