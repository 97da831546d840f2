// Acceptance of issue 6, through the REST edge as researchers and institutions use it, everything
// real: nats-server with JetStream, the embedded ledger in the ledger service, accounts,
// node-registry, authorization, aggregation and the edge, and three storage sites of three admitted
// institutions, each with its own node key, database and files.
//
// release at three sites → browse the market → apply → grant at two, deny at one → an analysis over
// the two granted, pooled count, mean and variance equal to DuckDB's over the concatenated files →
// the analysis and every decision in provenance with transaction ids. And the invariant, watched on
// the wire by a separate NATS connection: no summary request reaches a storage node for a dataset
// requested but not granted, denied, revoked or expired, or for a request outside the grant's columns
// or statistics. Disclosure: a group below the pool's threshold is withheld.
import { admittedInstitution, unique, type Institution } from '../join/support/consortium';
import { Api, type ErrorBody } from '../join/support/http';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Stack, type StorageNode } from '../join/support/stack';
import { cohortCsv, duckdbOverConcatenation, relativeError } from './support/cohorts';
import { SummaryTap } from './support/summary-tap';

jest.setTimeout(180_000);

interface Site {
  institution: Institution;
  adminToken: string;
  memberToken: string;
  node: StorageNode;
  csv: string;
  datasetId: string;
}

interface MarketEntry {
  datasetId: string;
  ownerMemberId: string;
  sha256: string;
  txId: string;
  blockNumber: number;
  columns: { name: string; type: string }[];
  permission: { state: string; requestId?: string };
}

interface AccessRequest {
  requestId: string;
  datasetId: string;
  status: string;
  txId: string;
  blockNumber: number;
}

interface AnalysisColumn {
  name: string;
  suppressed?: { code: string; reason: string };
  count?: number;
  mean?: number;
  variance?: number;
  sd?: number;
}

interface Analysis {
  analysisId: string;
  status: string;
  requester: string;
  datasets: { datasetId: string; nodeId: string; sha256: string; grantRequestId: string; status: string }[];
  columns: AnalysisColumn[];
  sites?: { nodeId: string; columns: AnalysisColumn[] }[];
  resultHash: string;
  txId: string;
  blockNumber: number;
}

interface ProvenanceEntry {
  operation: string;
  referenceId?: string;
  txId: string;
  blockNumber: number;
  sha256: string;
}

const COLUMNS = ['age', 'bmi', 'sbp', 'rare'];
const STATISTICS = ['count', 'missing', 'sum', 'mean', 'variance', 'sd'];

describe('issue 6 acceptance: the data market, access decisions and trusted analyses, over REST', () => {
  let stack: Stack;
  let api: Api;
  let tap: SummaryTap;
  let consortiumAdmin: string;
  let researcher: string;
  let researcherId: string;
  let latecomer: string;
  const sites: Site[] = [];
  const requests: AccessRequest[] = [];
  let analysis: Analysis;

  beforeAll(async () => {
    stack = await Stack.start({ aggregation: { env: { POOL_MIN_COUNT: '4', SITE_TIMEOUT_MS: '30000' } } });
    api = new Api(stack.baseUrl);
    consortiumAdmin = (await api.login(ADMIN_EMAIL, ADMIN_PASSWORD)).accessToken;
    for (const [i, label] of ['north', 'south', 'east'].entries()) {
      const admitted = await admittedInstitution(api, consortiumAdmin, `${label}-${unique()}`);
      const node = await stack.startStorageNode(admitted.institution.nodeId, admitted.institution.memberId, admitted.institution.nodePrivateKeyPem);
      sites.push({ institution: admitted.institution, adminToken: admitted.adminToken, memberToken: admitted.memberToken, node, csv: cohortCsv([300, 500, 200][i] ?? 100, i + 1), datasetId: '' });
    }
    const email = `researcher-${unique()}@uni.test`;
    researcherId = (await api.register(email, 'a researcher password')).userId;
    researcher = (await api.login(email, 'a researcher password')).accessToken;
    const lateEmail = `latecomer-${unique()}@uni.test`;
    await api.register(lateEmail, 'a researcher password');
    latecomer = (await api.login(lateEmail, 'a researcher password')).accessToken;
    tap = await SummaryTap.open(stack.nats.url, sites.map((s) => s.institution.nodeId));
  });

  afterAll(async () => {
    await tap.close().catch(() => undefined);
    for (const s of sites) await s.node.stop().catch(() => undefined);
    await stack.stop();
  });

  // Every summary request a node should ever see: one per dataset of each analysis answered 201.
  let expectedSummaryRequests = 0;
  const analyse = async (body: unknown, token = researcher) => {
    const res = await api.post<Analysis | ErrorBody>('/api/v1/analyses', body, token);
    if (res.status === 201) expectedSummaryRequests += (res.body as Analysis).datasets.length;
    return res;
  };

  /** Asks for an analysis that must be refused with `code`, and checks that no summary request reached any node meanwhile. */
  async function refused(body: unknown, code: string, token = researcher): Promise<void> {
    const before = await tap.total();
    const res = await analyse(body, token);
    expect(res.status).toBe(403);
    expect((res.body as ErrorBody).error.code).toBe(code);
    expect(await tap.total()).toBe(before);
  }

  it('releases a dataset at each of the three sites, on-chain', async () => {
    for (const site of sites) {
      const res = await fetch(`${site.node.url}/datasets?name=${encodeURIComponent(`cohort of ${site.institution.memberId}`)}&fileName=cohort.csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${site.memberToken}`, 'content-type': 'text/csv' },
        body: site.csv,
      });
      expect(res.status).toBe(201);
      const view = (await res.json()) as { datasetId: string; state: string };
      expect(view.state).toBe('released');
      site.datasetId = view.datasetId;
    }
  });

  it('shows the three datasets in the market, with schema, hash and transaction, and no permission yet', async () => {
    const entries = await eventually(async () => {
      const page = await api.get<{ items: MarketEntry[]; total: number }>('/api/v1/market/datasets?limit=50', researcher);
      expect(page.status).toBe(200);
      const mine = page.body.items.filter((e) => sites.some((s) => s.datasetId === e.datasetId));
      return mine.length === sites.length ? mine : undefined;
    });
    for (const site of sites) {
      const entry = entries.find((e) => e.datasetId === site.datasetId);
      expect(entry).toMatchObject({ ownerMemberId: site.institution.memberId, permission: { state: 'none' } });
      expect(entry?.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(entry?.txId).toBeTruthy();
      expect(entry?.columns.map((c) => c.name)).toEqual(['id', 'age', 'sex', 'bmi', 'sbp', 'rare']);
    }
    const byInstitution = await api.get<{ items: MarketEntry[] }>(`/api/v1/market/datasets?institution=${sites[1]!.institution.memberId}`, researcher);
    expect(byInstitution.body.items.map((e) => e.datasetId)).toEqual([sites[1]!.datasetId]);
  });

  it('takes an access request to each, committed on-chain; nothing is summarized for a request not yet granted', async () => {
    for (const site of sites) {
      const res = await api.post<AccessRequest>(
        '/api/v1/access-requests',
        { datasetId: site.datasetId, purpose: 'blood pressure and BMI across cohorts', columns: COLUMNS, statistics: STATISTICS, requestedExpiry: new Date(Date.now() + 86_400_000).toISOString() },
        researcher,
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ datasetId: site.datasetId, status: 'pending' });
      expect(res.body.txId).toBeTruthy();
      requests.push(res.body);
    }
    await refused({ datasets: [sites[0]!.datasetId], columns: ['age'], statistics: ['count'] }, 'ACCESS.NOT_GRANTED');
  });

  it('is granted by two owners and denied by the third, each decision committed on-chain', async () => {
    for (const i of [0, 1]) {
      const granted = await api.post<AccessRequest>(`/api/v1/access-requests/${requests[i]!.requestId}/grant`, {}, sites[i]!.memberToken);
      expect(granted.status).toBe(200);
      expect(granted.body).toMatchObject({ status: 'granted' });
    }
    // Another institution cannot decide on it.
    expect((await api.post(`/api/v1/access-requests/${requests[2]!.requestId}/grant`, {}, sites[0]!.adminToken)).status).toBe(403);
    const denied = await api.post<AccessRequest>(`/api/v1/access-requests/${requests[2]!.requestId}/deny`, { reason: 'outside our consent terms' }, sites[2]!.adminToken);
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ status: 'denied' });
  });

  it('pools the two granted datasets: count, mean and variance equal DuckDB\'s over the concatenated files', async () => {
    const granted = [sites[0]!, sites[1]!];
    const res = await analyse({ datasets: granted.map((s) => s.datasetId), columns: ['age', 'bmi', 'sbp'], statistics: ['count', 'mean', 'variance'], breakdown: true });
    expect(res.status).toBe(201);
    analysis = res.body as Analysis;
    expect(analysis).toMatchObject({ status: 'complete', requester: researcherId });
    for (const column of ['age', 'bmi', 'sbp'] as const) {
      const pooled = analysis.columns.find((c) => c.name === column);
      const direct = await duckdbOverConcatenation(stack.dataDir, granted.map((s) => s.csv), column);
      expect(pooled?.count).toBe(direct.count);
      expect(relativeError(pooled?.mean, direct.mean)).toBeLessThanOrEqual(1e-9);
      expect(relativeError(pooled?.variance, direct.variance)).toBeLessThanOrEqual(1e-9);
    }
    expect(analysis.datasets.map((d) => [d.datasetId, d.nodeId, d.grantRequestId, d.status])).toEqual(granted.map((s, i) => [s.datasetId, s.institution.nodeId, requests[i]!.requestId, 'used']));
    // One summary request to each granted site, none to the denied one.
    expect(await tap.countFor(sites[0]!.datasetId)).toBe(1);
    expect(await tap.countFor(sites[1]!.datasetId)).toBe(1);
    expect(await tap.countFor(sites[2]!.datasetId)).toBe(0);
  });

  it('puts the analysis and every decision in provenance, with transaction ids and blocks', async () => {
    for (const [i, site] of sites.entries()) {
      const res = await api.get<{ items: ProvenanceEntry[] }>(`/api/v1/provenance/datasets/${site.datasetId}`, researcher);
      expect(res.status).toBe(200);
      const ops = res.body.items.map((e) => e.operation);
      // Newest first: the release is the oldest.
      expect(ops.at(-1)).toBe('add');
      expect(res.body.items).toContainEqual(expect.objectContaining({ operation: 'request', referenceId: requests[i]!.requestId }));
      if (i < 2) {
        expect(res.body.items).toContainEqual(expect.objectContaining({ operation: 'grant', referenceId: requests[i]!.requestId }));
        expect(res.body.items).toContainEqual(expect.objectContaining({ operation: 'analysis', referenceId: analysis.analysisId, txId: analysis.txId, blockNumber: analysis.blockNumber }));
      } else {
        expect(res.body.items).toContainEqual(expect.objectContaining({ operation: 'deny', referenceId: requests[i]!.requestId }));
        expect(ops).not.toContain('analysis');
      }
      for (const e of res.body.items) {
        expect(e.txId).toBeTruthy();
        expect(e.blockNumber).toBeGreaterThan(0);
      }
    }
    const tx = await api.get<{ blockNumber: number; validationCode: string; event?: { payload: { resultHash: string } } }>(`/api/v1/ledger/transactions/${analysis.txId}`, researcher);
    expect(tx.status).toBe(200);
    expect(tx.body).toMatchObject({ blockNumber: analysis.blockNumber, validationCode: 'VALID' });
    expect(tx.body.event?.payload.resultHash).toBe(analysis.resultHash);
  });

  it('shows the analysis to its requester (and as a chart), not to another researcher', async () => {
    expect((await api.get<Analysis>(`/api/v1/analyses/${analysis.analysisId}`, researcher)).body).toEqual(analysis);
    expect((await api.get(`/api/v1/analyses/${analysis.analysisId}`, latecomer)).status).toBe(404);
    expect((await api.get(`/api/v1/analyses/${analysis.analysisId}`, consortiumAdmin)).status).toBe(200);
    const mine = await api.get<{ items: { analysisId: string }[] }>('/api/v1/analyses', researcher);
    expect(mine.body.items.map((i) => i.analysisId)).toContain(analysis.analysisId);
    const chart = await fetch(`${stack.baseUrl}/api/v1/analyses/${analysis.analysisId}/chart.svg?statistic=count&by=site`, { headers: { authorization: `Bearer ${researcher}` } });
    expect(chart.status).toBe(200);
    expect(chart.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = await chart.text();
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain(sites[0]!.institution.nodeId);
    // A chart of a statistic the analysis did not ask for is a JSON error, not an SVG.
    const unavailable = await fetch(`${stack.baseUrl}/api/v1/analyses/${analysis.analysisId}/chart.svg?statistic=sd`, { headers: { authorization: `Bearer ${researcher}` } });
    expect(unavailable.status).toBe(400);
    expect(unavailable.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await unavailable.json()) as ErrorBody).error.code).toBe('ANALYSIS.CHART_UNAVAILABLE');
    const doc = await api.get<{ paths: Record<string, unknown> }>('/api/v1/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/analyses', '/api/v1/analyses/{analysisId}', '/api/v1/analyses/{analysisId}/chart.svg']));
  });

  it('lists a researcher only their own analyses and the consortium admin every requester\'s, narrowed by requester, with totals', async () => {
    type AnalysisPage = { items: { analysisId: string; requester: string }[]; nextCursor: string | null; total: number };
    const list = async (token: string, query = '') => {
      const res = await api.get<AnalysisPage>(`/api/v1/analyses${query}`, token);
      expect(res.status).toBe(200);
      return res.body;
    };
    const own = await list(researcher, '?limit=200');
    expect(own.items.every((i) => i.requester === analysis.requester)).toBe(true);
    // Another researcher sees none of it, not even by naming its requester.
    const other = await list(latecomer);
    expect(other.items.map((i) => i.analysisId)).not.toContain(analysis.analysisId);
    expect(await list(latecomer, `?requester=${analysis.requester}`)).toEqual({ items: [], nextCursor: null, total: 0 });
    // The admin audits: every requester's analyses, the researcher's among them, and one user's with `requester`.
    const all = await list(consortiumAdmin, '?limit=200');
    expect(all.items.map((i) => i.analysisId)).toContain(analysis.analysisId);
    expect(all.total).toBeGreaterThanOrEqual(own.total);
    const theirs = await list(consortiumAdmin, `?requester=${analysis.requester}&limit=200`);
    expect(theirs.total).toBe(own.total);
    expect(theirs.items.map((i) => i.analysisId)).toEqual(own.items.map((i) => i.analysisId));
    expect(await list(consortiumAdmin, '?requester=00000000-0000-4000-8000-000000000000')).toEqual({ items: [], nextCursor: null, total: 0 });
    expect((await api.get<ErrorBody>('/api/v1/analyses?requester=someone', consortiumAdmin)).status).toBe(400);
  });

  it('runs each kind of model over REST (table, correlation, GLM), answered and documented as the OpenAPI document says', async () => {
    // A researcher of their own: their grants must not cover the summaries the later tests expect refused.
    const email = `modeller-${unique()}@uni.test`;
    await api.register(email, 'a researcher password');
    const researcher = (await api.login(email, 'a researcher password')).accessToken;
    const granted = [sites[0]!, sites[1]!];
    for (const site of granted) {
      const asked = await api.post<AccessRequest>(
        '/api/v1/access-requests',
        { datasetId: site.datasetId, purpose: 'models of blood pressure', columns: ['age', 'sex', 'bmi', 'sbp'], statistics: ['count', 'table', 'correlation', 'glm'], requestedExpiry: new Date(Date.now() + 86_400_000).toISOString() },
        researcher,
      );
      expect(asked.status).toBe(201);
      expect((await api.post(`/api/v1/access-requests/${asked.body.requestId}/grant`, {}, site.memberToken)).status).toBe(200);
    }
    const datasets = granted.map((s) => s.datasetId);
    const bodies = [
      { kind: 'table', datasets, filter: { column: 'age', op: '>=', value: 30 }, table: { rows: { column: 'sex' } } },
      { kind: 'correlation', datasets, correlation: { columns: ['age', 'bmi', 'sbp'] } },
      { kind: 'glm', datasets, glm: { family: 'gaussian', outcome: 'sbp', covariates: ['age', 'bmi', 'sex'], levels: { sex: ['F', 'M'] } } },
    ];
    for (const body of bodies) {
      const res = await api.post<{ analysisId: string; kind: string; columns: string[] }>('/api/v1/analyses/models', body, researcher);
      expect(res.status).toBe(201);
      expect(res.body.kind).toBe(body.kind);
      const stored = await api.get<{ kind: string }>(`/api/v1/analyses/${res.body.analysisId}`, researcher);
      expect(stored.body).toEqual(res.body);
      const chart = await fetch(`${stack.baseUrl}/api/v1/analyses/${res.body.analysisId}/chart.svg`, { headers: { authorization: `Bearer ${researcher}` } });
      expect(chart.status).toBe(200);
      expect(await chart.text()).toMatch(/^<svg/);
    }
    // Refusals are documented too: a model the grant does not name, a column the schema lacks.
    const narrow = await api.post<ErrorBody>('/api/v1/analyses/models', { kind: 'glm', datasets: [sites[2]!.datasetId], glm: { family: 'gaussian', outcome: 'sbp', covariates: ['age'] } }, researcher);
    expect([403]).toContain(narrow.status);
    const unknown = await api.post<ErrorBody>('/api/v1/analyses/models', { kind: 'correlation', datasets, correlation: { columns: ['age', 'weight'] } }, researcher);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('MODEL.UNKNOWN_COLUMN');
  });

  it('withholds a group below the pool\'s threshold: a column with 3 values at one site', async () => {
    // `rare` has 3 values per site: released by each site (its threshold is 3), not by the pool (4) alone…
    const alone = await analyse({ datasets: [sites[0]!.datasetId], columns: ['rare'], statistics: ['count', 'mean'] });
    expect(alone.status).toBe(201);
    const column = (alone.body as Analysis).columns[0];
    expect(column?.suppressed?.code).toBe('DISCLOSURE.POOL_BELOW_THRESHOLD');
    expect(column?.count).toBeUndefined();
    expect(column?.mean).toBeUndefined();
    // …while the pool of two sites (6 values) is released, and each site's cell of the breakdown is not.
    const pooled = (await analyse({ datasets: [sites[0]!.datasetId, sites[1]!.datasetId], columns: ['rare'], statistics: ['count'], breakdown: true })).body as Analysis;
    expect(pooled.columns[0]?.count).toBe(6);
    for (const site of pooled.sites ?? []) expect(site.columns[0]?.suppressed?.code).toBe('DISCLOSURE.POOL_BELOW_THRESHOLD');
  });

  it('sends nothing for a denied dataset, or for columns or statistics outside the grant', async () => {
    await refused({ datasets: [sites[2]!.datasetId], columns: ['age'], statistics: ['count'] }, 'ACCESS.NOT_GRANTED');
    // One dataset refused stops the whole analysis before any site is asked, the granted one too.
    await refused({ datasets: [sites[0]!.datasetId, sites[2]!.datasetId], columns: ['age'], statistics: ['count'] }, 'ACCESS.NOT_GRANTED');
    await refused({ datasets: [sites[0]!.datasetId], columns: ['age', 'id'], statistics: ['count'] }, 'ACCESS.OUT_OF_SCOPE');
    await refused({ datasets: [sites[0]!.datasetId, sites[1]!.datasetId], columns: ['age'], statistics: ['count', 'max'] }, 'ACCESS.OUT_OF_SCOPE');
    const message = ((await analyse({ datasets: [sites[2]!.datasetId], columns: ['age'], statistics: ['count'] })).body as ErrorBody).error.message;
    expect(message).toContain(sites[2]!.datasetId);
  });

  it('sends nothing once a grant is revoked', async () => {
    const revoked = await api.post<AccessRequest>(`/api/v1/access-requests/${requests[1]!.requestId}/revoke`, { reason: 'study closed' }, sites[1]!.adminToken);
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    await refused({ datasets: [sites[1]!.datasetId], columns: ['age'], statistics: ['count'] }, 'ACCESS.REVOKED');
    const provenance = await api.get<{ items: ProvenanceEntry[] }>(`/api/v1/provenance/datasets/${sites[1]!.datasetId}`, researcher);
    expect(provenance.body.items).toContainEqual(expect.objectContaining({ operation: 'revoke', referenceId: requests[1]!.requestId }));
  });

  it('sends nothing once a grant has expired', async () => {
    const expiry = new Date(Date.now() + 6_000).toISOString();
    const applied = await api.post<AccessRequest>(
      '/api/v1/access-requests',
      { datasetId: sites[0]!.datasetId, purpose: 'a short look', columns: ['age'], statistics: ['count'], requestedExpiry: expiry },
      latecomer,
    );
    expect(applied.status).toBe(201);
    const granted = await api.post<AccessRequest>(`/api/v1/access-requests/${applied.body.requestId}/grant`, {}, sites[0]!.memberToken);
    expect(granted.status).toBe(200);
    // In force while it lasts…
    expect((await analyse({ datasets: [sites[0]!.datasetId], columns: ['age'], statistics: ['count'] }, latecomer)).status).toBe(201);
    // …and refused, with nothing sent, once it has expired.
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(expiry) - Date.now() + 500)));
    await refused({ datasets: [sites[0]!.datasetId], columns: ['age'], statistics: ['count'] }, 'ACCESS.EXPIRED', latecomer);
  });

  it('saw on the nodes\' subjects exactly the summary requests of the analyses answered, and none for the denied dataset', async () => {
    expect(await tap.total()).toBe(expectedSummaryRequests);
    expect(await tap.countFor(sites[2]!.datasetId)).toBe(0);
  });
});

/** Polls until `probe` returns a value (market and projections follow the chain's events). */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('not reached in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}
