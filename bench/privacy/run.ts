// bench/privacy: what differential privacy costs in accuracy and in time, over the demo consortium's data.
//
//   1. generates the three demo sites' datasets with the demo's own generator and seeds
//      (infra/local/synthetic-data.mjs: Northbridge's cardiology outpatients, St. Aldric's general
//      medicine admissions, Lakeside's community health screening);
//   2. starts nats-server, the ledger service, three storage sites and the aggregation service, each
//      its own process from dist/, and releases each dataset at its site (grids from the data's inspection);
//   3. accuracy: for ρ = 0.01, 0.1 and 1, a researcher with a dp grant of budget 10 on each dataset runs
//      BENCH_PRIVACY_REPEATS analyses (default 10) of the pooled mean of systolic_bp; against the exact
//      pooled mean (a controlled grant's analysis of the same data), the table gives the RMS error, the
//      mean reported noise sd and how many 95 % intervals held the true mean;
//   4. overhead: the same analysis (count and mean of systolic_bp over the three sites) under a dp grant
//      and under a controlled one, alternately, BENCH_ROUNDS times (default 7): the dp one also reserves
//      its ρ on-chain (one more ledger transaction) and adds noise at the sites.
// Last line: dp_overhead=<median dp time / median controlled time> (goal ≤ 1.3).
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AggregationRunAnalysis, LedgerLimits, type AnalysisResult, type LedgerStatistic } from '@phdmf/contracts';
import { grantAt, releaseAt, startSiteStack, waitFor } from '../support/site-stack';

const REPEATS = Math.max(1, Number(process.env.BENCH_PRIVACY_REPEATS ?? 10));
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 7));
const RHOS = [0.01, 0.1, 1];
const ROOT = process.cwd();
const COLUMN = 'systolic_bp';
const out = (line: string) => process.stdout.write(`${line}\n`);

/** The demo's datasets, one per site: `npm start` seeds these (infra/local/demo.mjs, seed.mjs). */
const DEMO = [
  { site: 'north', key: 'site-north/Cardiology outpatients 2023', profile: 'cardiology', rows: 3000 },
  { site: 'aldric', key: 'site-aldric/General medicine admissions 2023', profile: 'general', rows: 3500 },
  { site: 'lakeside', key: 'site-lakeside/Community health screening', profile: 'screening', rows: 4000 },
] as const;

/** One demo dataset as `npm start` generates it: the same generator, profile, size and seed. */
function demoCsv(spec: (typeof DEMO)[number]): string {
  const module = path.join(ROOT, 'infra/local/synthetic-data.mjs');
  const script = `import { generateCsv, seedOf } from ${JSON.stringify(module)}; process.stdout.write(generateCsv({ profile: ${JSON.stringify(spec.profile)}, rows: ${spec.rows}, seed: seedOf(${JSON.stringify(spec.key)}) }));`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phdmf-bench-privacy-'));
  const files = DEMO.map((d) => {
    const file = path.join(dir, `${d.site}.csv`);
    writeFileSync(file, demoCsv(d));
    return file;
  });
  out(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${os.cpus().length} cores`);
  const stack = await startSiteStack(
    dir,
    DEMO.map((d) => d.site),
    { duckdbThreads: 1, aggregationEnv: { ANALYSES_PER_HOUR: '10000' } },
  );
  try {
    const { bus, sites } = stack;
    const datasets: string[] = [];
    for (const [i, site] of sites.entries()) datasets.push(await releaseAt(site, files[i] ?? '', DEMO[i]?.key ?? 'demo'));
    out(`released ${datasets.length} demo datasets (${DEMO.map((d) => `${d.site} ${d.rows} rows`).join(', ')})`);

    const statistics: LedgerStatistic[] = ['count', 'mean'];
    const grantAll = async (requester: string, privacy?: { privacyMode: 'dp'; budgetRho: number }): Promise<void> => {
      for (const [i, site] of sites.entries()) await grantAt(bus, site, { datasetId: datasets[i] ?? '', requester, columns: [COLUMN], statistics, ...(privacy ? { privacy } : {}) });
    };
    const analyse = async (requester: string, rho?: number): Promise<{ result: AnalysisResult; wallMs: number }> => {
      const t0 = performance.now();
      const result = await bus.request(
        AggregationRunAnalysis.CONTRACT,
        { datasets, columns: [COLUMN], statistics, ...(rho !== undefined ? { rho } : {}) },
        { actor: { userId: requester, roles: ['researcher'] }, timeoutMs: 600_000 },
      );
      return { result, wallMs: performance.now() - t0 };
    };

    await grantAll('bench-controlled');
    await waitFor('aggregation service', async () => (await analyse('bench-controlled')).result.status === 'complete', stack.aggregationLog);
    const truth = (await analyse('bench-controlled')).result.columns[0]?.mean;
    if (truth === undefined) throw new Error('the controlled analysis released no mean');
    out(`exact pooled mean of ${COLUMN} (controlled grant): ${truth.toFixed(4)}`);

    out('');
    out(`| ρ per analysis | analyses | RMS error of the pooled mean | mean reported noise sd | 95 % intervals holding the true mean |`);
    out('|---|---|---|---|---|');
    for (const rho of RHOS) {
      const researcher = `bench-dp-${rho}`;
      // Budget: the consortium's maximum, enough for the repeats at ρ ≤ 1 (10 of them at ρ = 1).
      await grantAll(researcher, { privacyMode: 'dp', budgetRho: LedgerLimits.budgetRho });
      const repeats = Math.min(REPEATS, Math.floor(LedgerLimits.budgetRho / rho + 1e-9));
      const errors: number[] = [];
      const sds: number[] = [];
      let covered = 0;
      for (let k = 0; k < repeats; k++) {
        const column = (await analyse(researcher, rho)).result.columns[0];
        const noise = column?.noise?.mean;
        if (column?.mean === undefined || noise === undefined) throw new Error(`no noisy mean at ρ = ${rho}: ${JSON.stringify(column)}`);
        errors.push(column.mean - truth);
        sds.push(noise.sd);
        if (noise.interval[0] <= truth && truth <= noise.interval[1]) covered++;
      }
      const rms = Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);
      const meanSd = sds.reduce((a, b) => a + b, 0) / sds.length;
      out(`| ${rho} | ${repeats} | ${rms.toFixed(4)} mmHg | ${meanSd.toFixed(4)} mmHg | ${covered}/${repeats} |`);
    }
    out('');

    // Overhead: alternate dp and controlled so that both see the same machine load.
    await grantAll('bench-overhead-dp', { privacyMode: 'dp', budgetRho: LedgerLimits.budgetRho });
    const overheadRho = LedgerLimits.budgetRho / (ROUNDS + 1);
    await analyse('bench-overhead-dp', overheadRho);
    const dpMs: number[] = [];
    const controlledMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      dpMs.push((await analyse('bench-overhead-dp', overheadRho)).wallMs);
      controlledMs.push((await analyse('bench-controlled')).wallMs);
    }
    out(`dp analyses ${dpMs.map((m) => m.toFixed(0)).join(', ')} ms (median ${median(dpMs).toFixed(0)}); controlled ${controlledMs.map((m) => m.toFixed(0)).join(', ')} ms (median ${median(controlledMs).toFixed(0)})`);
    out(`dp_overhead=${(median(dpMs) / median(controlledMs)).toFixed(3)}`);
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
