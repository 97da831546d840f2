// The README's TypeScript walkthrough (libs/client/examples/walkthrough.ts, nothing but
// @phdmf/client) run as an integrator runs it, against the system `npm start` brings up: every
// step succeeds and shows what the story says, and what it claims is checked here independently.
import { spawnTsEntry, tempDir } from '@phdmf/testing';
import { freePorts, LocalSystem } from '../local-up/support/local-system';

jest.setTimeout(420_000);

type Steps = Record<number, { what: string; value: unknown }>;

function stepsOf(output: string): Steps {
  const steps: Steps = {};
  for (const line of output.split('\n')) {
    const m = /^step (\d+): ([^{[]+) ([{[].*)$/.exec(line);
    if (m) steps[Number(m[1])] = { what: m[2]!.trim(), value: JSON.parse(m[3]!) as unknown };
  }
  return steps;
}

describe('the TypeScript walkthrough, with @phdmf/client against `npm start`', () => {
  const data = tempDir('phdmf-client-walkthrough-');
  let system: LocalSystem | undefined;

  beforeAll(async () => {
    system = await LocalSystem.start(data.dir, await freePorts());
  });

  afterAll(() => {
    system?.kill();
    data.remove();
  });

  it('runs the story to the end, and what it shows holds', async () => {
    const run = spawnTsEntry('libs/client/examples/walkthrough.ts', system!.walkthroughEnv());
    const code = await run.exited;
    if (code !== 0) throw new Error(`the walkthrough exited with ${code}:\n${run.output()}`);
    const steps = stepsOf(run.output());
    expect(Object.keys(steps).map(Number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

    expect(steps[1]!.value).toMatchObject({ roles: ['researcher'] });
    const market = steps[2]!.value as { datasetId: string; ownerName: string; columns: string[] }[];
    expect(market.map((d) => d.ownerName)).toEqual(['Northbridge University Hospital', 'St. Aldric Medical Centre']);
    for (const d of market) expect(d.columns).toEqual(expect.arrayContaining(['age', 'bmi', 'systolic_bp', 'diastolic_bp']));
    const applied = steps[3]!.value as { requestId: string; status: string }[];
    expect(applied.map((r) => r.status)).toEqual(['pending', 'pending']);
    expect((steps[4]!.value as { status: string }[]).map((g) => g.status)).toEqual(['granted', 'granted']);

    const analysis = steps[5]!.value as { analysisId: string; status: string; resultHash: string; txId: string; blockNumber: number; columns: { name: string; count: number }[] };
    expect(analysis.status).toBe('complete');
    expect(analysis.columns.find((c) => c.name === 'systolic_bp')!.count).toBeGreaterThan(0);
    expect(steps[6]!.value).toEqual({ ok: true, computedHash: analysis.resultHash, shownHash: analysis.resultHash, onChainHash: analysis.resultHash, problems: [] });

    // Independently of the client: the transaction it verified is on the chain with that hash.
    const admin = await system!.login('admin@phdmf.local');
    const tx = await system!.http<{ blockNumber: number; validationCode: string; args: string[] }>('GET', `${system!.api}/ledger/transactions/${analysis.txId}`, admin);
    expect(tx.status).toBe(200);
    expect(tx.body).toMatchObject({ blockNumber: analysis.blockNumber, validationCode: 'VALID' });
    expect(JSON.parse(tx.body.args[0]!)).toMatchObject({ analysisId: analysis.analysisId, resultHash: analysis.resultHash });

    // One transaction per logical call: the dataset's provenance holds its request and its grant once each.
    const provenance = steps[7]!.value as { operation: string; referenceId?: string }[];
    const ours = provenance.filter((e) => e.referenceId === applied[0]!.requestId).map((e) => e.operation);
    expect(ours.sort()).toEqual(['grant', 'request']);
    expect(provenance.filter((e) => e.referenceId === analysis.analysisId).map((e) => e.operation)).toEqual(['analysis']);

    const chain = await system!.http<{ height: number }>('GET', `${system!.api}/ledger/chain`, admin);
    expect(steps[8]!.value).toEqual({ blocks: chain.body.height, rules: ['embedded'], ok: true, problems: [] });
    expect(steps[9]!.value).toMatchObject({ status: 403, code: 'ACCESS.NOT_GRANTED' });
  });
});
