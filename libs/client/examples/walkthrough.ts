// The README's walkthrough, in TypeScript, with nothing but @phdmf/client: a researcher signs in,
// browses the market, applies for two datasets; each owner institution's admin grants; the
// researcher analyses, checks the result hash against the chain, reads the provenance and verifies
// the blocks. Against the system `npm start` runs:
//
//   node -r @swc-node/register libs/client/examples/walkthrough.ts
//
// (PHDMF and PHDMF_DATA_DIR as for the bash walkthrough). Replayable: it registers a fresh
// researcher each run. Each step prints one line, `step N: what` and its JSON.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createPhdmfClient, isPhdmfApiError, ok, type PhdmfClient } from '@phdmf/client';

const PHDMF = process.env['PHDMF'] ?? 'http://127.0.0.1:3000';
const DATA = process.env['PHDMF_DATA_DIR'] ?? '.data';

/** The password `npm start` generated for a demo account. */
const password = (email: string) => readFileSync(path.join(DATA, 'keys', email === 'admin@phdmf.local' ? 'bootstrap-admin.password' : `${email}.password`), 'utf8').trim();
/** A client signed in as a demo account (it signs in on its first call, and again if its session ends). */
const demoAccount = (email: string): PhdmfClient => createPhdmfClient({ baseUrl: PHDMF, credentials: { email, password: password(email) } });
const show = (step: number, what: string, value: unknown) => {
  process.stdout.write(`step ${step}: ${what} ${JSON.stringify(value)}\n`);
};

const COLUMNS = ['age', 'bmi', 'systolic_bp', 'diastolic_bp'];

async function main(): Promise<void> {
  // 1. Register a researcher (the one self-registration), and sign in.
  const suffix = Date.now().toString(36);
  const credentials = { email: `researcher-${suffix}@lab.example`, password: Array.from(crypto.getRandomValues(new Uint8Array(18)), (b) => b.toString(16)).join('') };
  await ok(createPhdmfClient({ baseUrl: PHDMF }).api.POST('/api/v1/auth/register', { body: { ...credentials, displayName: 'Dr. Sam Ferreira' } }));
  const researcher = createPhdmfClient({ baseUrl: PHDMF, credentials });
  await researcher.signIn();
  const me = await ok(researcher.api.GET('/api/v1/auth/me'));
  show(1, 'signed in', { email: me.email, roles: me.roles });

  // 2. Browse the market: metadata and schemas, never rows.
  const find = async (q: string, ownerName: string) => {
    const page = await ok(researcher.api.GET('/api/v1/market/datasets', { params: { query: { q } } }));
    const entry = page.items.find((d) => d.ownerName === ownerName);
    if (entry === undefined) throw new Error(`the market lists no "${q}" of ${ownerName}`);
    return entry;
  };
  const datasets = [await find('Cardiology outpatients', 'Northbridge University Hospital'), await find('General medicine admissions', 'St. Aldric Medical Centre')];
  show(2, 'the market', datasets.map((d) => ({ datasetId: d.datasetId, name: d.name, ownerName: d.ownerName, rowCount: d.rowCount, columns: d.columns.map((c) => c.name) })));

  // 3. Apply to each owner: a ledger transaction each (the client adds the Idempotency-Key).
  const requestedExpiry = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const requests = [];
  for (const d of datasets) {
    requests.push(
      await ok(
        researcher.api.POST('/api/v1/access-requests', {
          body: { datasetId: d.datasetId, purpose: 'Blood pressure by age and BMI across sites', columns: COLUMNS, statistics: ['count', 'mean', 'sd', 'min', 'max'], requestedExpiry },
        }),
      ),
    );
  }
  show(3, 'applied', requests.map((r) => ({ requestId: r.requestId, datasetId: r.datasetId, status: r.status, txId: r.txId })));

  // 4. Each owner institution's admin sees the request and grants it (only the owner's organisation may).
  const owners = [demoAccount('admin@northbridge.example'), demoAccount('admin@st-aldric.example')];
  const grants = [];
  for (const [i, admin] of owners.entries()) {
    const request = requests[i]!;
    const incoming = await ok(admin.api.GET('/api/v1/access-requests', { params: { query: { scope: 'incoming', status: 'pending', datasetId: request.datasetId } } }));
    if (!incoming.items.some((r) => r.requestId === request.requestId)) throw new Error(`the owner does not see request ${request.requestId}`);
    grants.push(await ok(admin.api.POST('/api/v1/access-requests/{requestId}/grant', { params: { path: { requestId: request.requestId } }, body: { reason: 'Approved by the data access committee' } })));
  }
  show(4, 'granted', grants.map((g) => ({ requestId: g.requestId, status: g.status, txId: g.txId })));

  // 5. Analyse both datasets: each site computes its summary, the pool is recorded on-chain.
  const analysis = await ok(
    researcher.api.POST('/api/v1/analyses', { body: { datasets: datasets.map((d) => d.datasetId), columns: COLUMNS, statistics: ['count', 'mean', 'sd', 'min', 'max'], breakdown: true } }),
  );
  show(5, 'analysed', {
    analysisId: analysis.analysisId,
    status: analysis.status,
    resultHash: analysis.resultHash,
    txId: analysis.txId,
    blockNumber: analysis.blockNumber,
    columns: analysis.columns.map((c) => ({ name: c.name, count: c.count, mean: c.mean })),
  });

  // 6. Verify: the result as shown hashes to the hash the chain recorded, in a valid transaction.
  const verified = await researcher.verifyAnalysis(analysis.analysisId);
  show(6, 'result hash verified on-chain', verified);
  if (!verified.ok) throw new Error(`the analysis does not verify: ${verified.problems.join('; ')}`);

  // 7. Provenance: every operation on the dataset, each with its transaction and block.
  const provenance = await ok(researcher.api.GET('/api/v1/provenance/datasets/{datasetId}', { params: { path: { datasetId: datasets[0]!.datasetId } } }));
  show(7, 'provenance', provenance.items.map((e) => ({ operation: e.operation, referenceId: e.referenceId, txId: e.txId, blockNumber: e.blockNumber })));

  // 8. Verify the blocks: each block's hash from its header, each one's link to the one before, up to the tip.
  const blocks = await researcher.verifyBlocks(0);
  show(8, 'blocks verified', { blocks: blocks.length, rules: [...new Set(blocks.map((b) => b.rule))], ok: blocks.every((b) => b.ok), problems: blocks.flatMap((b) => b.problems) });
  if (!blocks.every((b) => b.ok)) throw new Error('the chain does not verify');

  // 9. A refusal is a value with the API's code: analysing a dataset the researcher holds no grant for.
  const ungranted = await find('Community health screening', 'Lakeside Clinical Institute');
  const refused = await ok(researcher.api.POST('/api/v1/analyses', { body: { datasets: [ungranted.datasetId], columns: ['systolic_bp'], statistics: ['count'] } })).catch((e: unknown) => e);
  if (!isPhdmfApiError(refused)) throw new Error(`expected a refusal, got ${String(refused)}`);
  show(9, 'refused', { status: refused.status, code: refused.code, message: refused.message });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
