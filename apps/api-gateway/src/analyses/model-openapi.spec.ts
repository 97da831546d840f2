// The model analyses' answers as the OpenAPI document describes them: results computed by the same
// functions the aggregation service releases (libs/modelling's pooling, fitGlm, correlationMatrix),
// put in a ModelAnalysisResult and checked against the edge's own document (closed objects: a field
// the document does not name is a drift), for POST /analyses/models and GET /analyses/{id}.
import type { INestApplication } from '@nestjs/common';
import type { ModelAnalysisResult } from '@phdmf/contracts';
import { startService, provisionEventStream } from '@phdmf/messaging';
import { chiSquareTest, correlationMatrix, countCrossTable, fitGlm, glmDesign, glmSiteStep, pairMoments, pairsOf, parseGlmModel } from '@phdmf/modelling';
import { freePort, memoryLogger, OpenApiConformance, TestNatsServer, type OpenApiDocument } from '@phdmf/testing';
import { AppModule } from '../app.module';
import { loadApiGatewayConfig } from '../config';
import { configureHttp } from '../edge/configure-http';

const rows = Array.from({ length: 60 }, (_, i) => ({ age: 20 + ((i * 7) % 50), bmi: 18 + ((i * 13) % 17) + i / 100, sex: i % 3 === 0 ? 'F' : 'M', y: (i * 11) % 5 < 2 ? 1 : 0 }));

function envelope(kind: ModelAnalysisResult['kind'], numbers: Pick<ModelAnalysisResult, 'table' | 'correlation' | 'glm'>, request: ModelAnalysisResult['request']): ModelAnalysisResult {
  return {
    analysisId: 'an-5f0c2f7e-1d2b-4d2c-9a51-0c8e1b0e9a11',
    kind,
    status: 'complete',
    requester: 'researcher-1',
    request,
    columns: ['age', 'bmi', 'sex'],
    datasets: [{ datasetId: 'ds-3f1e2d4c-5b6a-4789-8a0b-1c2d3e4f5a6b', nodeId: 'node-a', ownerMemberId: 'm-7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d', sha256: 'a'.repeat(64), datasetVersion: 1, grantRequestId: '0b6f4c52-8d0e-4f7e-b3a8-2f0a1c9d7e11', status: 'used', computeMillis: 3.5 }],
    ...numbers,
    createdAt: '2030-01-01T00:00:00.000Z',
    resultHash: 'b'.repeat(64),
    txId: 'c'.repeat(64),
    blockNumber: 12,
  };
}

describe('model analyses in the OpenAPI document', () => {
  let nats: TestNatsServer;
  let app: INestApplication;
  let conformance: OpenApiConformance;

  beforeAll(async () => {
    nats = await TestNatsServer.start({ provision: provisionEventStream });
    const port = await freePort();
    const config = loadApiGatewayConfig({ NATS_URL: nats.url, HTTP_PORT: String(port), LOG_LEVEL: 'silent' });
    const { logger } = memoryLogger('api-gateway');
    app = await startService(AppModule.forRoot(config, logger), { logger, http: { host: '127.0.0.1', port }, configure: (a) => { configureHttp(a, config, logger); } });
    const doc = (await (await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`)).json()) as OpenApiDocument;
    conformance = OpenApiConformance.of(doc);
  });

  afterAll(async () => {
    await app.close();
    await nats.dispose();
  });

  it('describes a table, a correlation matrix and a GLM exactly as released (POST /analyses/models, GET /analyses/{id})', async () => {
    const t = countCrossTable(rows.map((r) => [r.sex, String(r.y)]));
    const table = { ...t, rowTotals: [20, 40], columnTotals: [36, 24], total: 60, chiSquare: chiSquareTest(t)! };
    const columns = ['age', 'bmi'];
    const correlation = correlationMatrix({ columns, pairs: pairsOf(2).map(([i, j]) => pairMoments(rows.map((r) => r[columns[i] as 'age']), rows.map((r) => r[columns[j] as 'bmi']))) });
    const model = parseGlmModel({ family: 'binomial', outcome: 'y', covariates: ['age', 'sex'], levels: { sex: ['F', 'M'] } }, { columns: ['age', 'bmi', 'sex', 'y'], columnTypes: ['numeric', 'numeric', 'categorical', 'numeric'] });
    const glm = await fitGlm(model, [(m, beta) => Promise.resolve(glmSiteStep(m, glmDesign(m, rows), beta))]);
    const results = [
      envelope('table', { table }, { kind: 'table', datasets: ['ds-1'], filter: { column: 'age', op: '>=', value: 30 }, table: { rows: { column: 'sex' }, columns: { column: 'y' } } }),
      envelope('correlation', { correlation }, { kind: 'correlation', datasets: ['ds-1'], correlation: { columns } }),
      envelope('glm', { glm }, { kind: 'glm', datasets: ['ds-1'], glm: { family: 'binomial', outcome: 'y', covariates: ['age', 'sex'], levels: { sex: ['F', 'M'] } } }),
    ];
    for (const result of results) {
      expect(conformance.problem('POST', '/api/v1/analyses/models', 201, 'application/json', result)).toBeUndefined();
      expect(conformance.problem('GET', `/api/v1/analyses/${result.analysisId}`, 200, 'application/json', result)).toBeUndefined();
    }
    // A summary with a subset and a stratum: its request and strata are documented too.
    const column = { name: 'bmi', count: 40, mean: 26.5 };
    const summary = {
      ...results[0]!,
      kind: undefined,
      table: undefined,
      request: { datasets: ['ds-1'], columns: ['bmi'], statistics: ['count', 'mean'], breakdown: false, allowPartial: false, filter: { column: 'age', op: '>=', value: 30 }, stratum: { column: 'sex' } },
      siteStatistics: ['count', 'mean'],
      poolMinCount: 3,
      columns: [column],
      strata: { column: 'sex', levels: [{ level: 'F', sites: ['node-a'], columns: [{ ...column, count: 12 }] }, { level: 'M', sites: ['node-a'], columns: [{ ...column, count: 28 }] }] },
    };
    const plain = JSON.parse(JSON.stringify(summary)) as unknown;
    expect(conformance.problem('POST', '/api/v1/analyses', 201, 'application/json', plain)).toBeUndefined();
    expect(conformance.problem('GET', '/api/v1/analyses/an-1', 200, 'application/json', plain)).toBeUndefined();
    // A drift is caught: a field the document does not name, a withheld cell where none may be.
    expect(conformance.problem('POST', '/api/v1/analyses/models', 201, 'application/json', { ...results[0], extra: 1 })).toBeDefined();
    expect(conformance.problem('GET', `/api/v1/analyses/an-1`, 200, 'application/json', { ...results[2], glm: { ...glm, iterations: 'four' } })).toBeDefined();
  });
});
