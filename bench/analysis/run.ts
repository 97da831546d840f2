// bench/analysis: one trusted analysis over three storage sites, against the sites' own time.
//
//   1. generates three synthetic cohorts of BENCH_ANALYSIS_ROWS rows each (default 1,000,000);
//   2. starts nats-server, the ledger service, three storage nodes (three admitted members, each
//      with its own node key, database and files) and the aggregation service, each its own process
//      from dist/;
//   3. releases each cohort at its site (local API → on-chain), requests and grants access;
//   4. runs a warm-up analysis, then the measured one: the aggregation service clears every grant
//      (with the ledger), asks the three nodes in parallel, verifies their signatures, pools,
//      records the analysis on-chain and answers.
// Each node signs its own wall time for its summary (`computeMillis`: grant check, re-hash against
// the on-chain hash, DuckDB, disclosure control), so the service's overhead is what the analysis
// takes beyond the slowest site. Last line: analysis_overhead=<wall / slowest site> (goal ≤ 1.2).
import 'reflect-metadata';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AggregationRunAnalysis, type LedgerStatistic } from '@phdmf/contracts';
import { grantAt, releaseAt, startSiteStack, waitFor } from '../support/site-stack';

const MB = 1024 * 1024;
const ROWS = Number(process.env.BENCH_ANALYSIS_ROWS ?? 1_000_000);
const THREADS = Number(process.env.BENCH_DUCKDB_THREADS ?? 2);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const SITES = ['a', 'b', 'c'] as const;
const out = (line: string) => process.stdout.write(`${line}\n`);

/** Writes a synthetic cohort CSV of `rows` rows (a deterministic generator per site). */
async function generate(file: string, rows: number, seed: number): Promise<void> {
  const ws = createWriteStream(file, { highWaterMark: 4 * MB });
  ws.write('id,age,sex,bmi,sbp,site\n');
  let s = seed * 2654435761;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let done = 0; done < rows; ) {
    const lines: string[] = [];
    for (let i = 0; i < 20_000 && done < rows; i++, done++) {
      const age = rnd() < 0.02 ? '' : String(18 + Math.floor(rnd() * (60 + seed)));
      lines.push(`${done + 1},${age},${rnd() < 0.5 ? 'F' : 'M'},${(16 + seed + rnd() * 20).toFixed(2)},${Math.floor(90 + seed * 3 + rnd() * 80)},S${Math.floor(rnd() * 40)}`);
    }
    if (!ws.write(`${lines.join('\n')}\n`)) await new Promise<void>((resolve) => ws.once('drain', () => { resolve(); }));
  }
  await new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.end(() => {
      resolve();
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phdmf-bench-analysis-'));
  const files = SITES.map((s) => path.join(dir, `cohort-${s}.csv`));
  for (const [i, file] of files.entries()) await generate(file, ROWS, i + 1);
  out(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${os.cpus().length} cores`);
  out(`cohorts: ${SITES.length} × ${ROWS} rows (${files.map((f) => (statSync(f).size / MB).toFixed(1)).join(', ')} MiB)`);
  const stack = await startSiteStack(dir, SITES, { duckdbThreads: THREADS });
  try {
    const { bus, sites } = stack;
    // Release each cohort at its own site, and grant the researcher access to it.
    const researcher = { userId: 'bench-researcher', roles: ['researcher'] };
    const columns = ['age', 'bmi', 'sbp'];
    const statistics: LedgerStatistic[] = ['count', 'missing', 'sum', 'mean', 'variance', 'sd', 'min', 'max'];
    const datasets: string[] = [];
    for (const [i, site] of sites.entries()) {
      const t0 = performance.now();
      const datasetId = await releaseAt(site, files[i] ?? '', `cohort-${SITES[i] ?? i}`);
      datasets.push(datasetId);
      out(`released ${datasetId} at ${site.nodeId} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await grantAt(bus, site, { datasetId, requester: researcher.userId, columns, statistics });
    }

    const analyse = async () => {
      const t0 = performance.now();
      const result = await bus.request(AggregationRunAnalysis.CONTRACT, { datasets, columns, statistics }, { actor: researcher, timeoutMs: 600_000 });
      return { result, wallMs: performance.now() - t0 };
    };
    await waitFor('aggregation service', async () => (await analyse()).result.status === 'complete', stack.aggregationLog);
    const ratios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const { result, wallMs } = await analyse();
      const siteMs = result.datasets.map((d) => d.computeMillis ?? NaN);
      const slowest = Math.max(...siteMs);
      const age = result.columns.find((c) => c.name === 'age');
      if (result.status !== 'complete' || age?.count === undefined || age.count < ROWS * SITES.length * 0.9) throw new Error(`unexpected result: ${JSON.stringify(result).slice(0, 500)}`);
      out(
        `analysis ${result.analysisId} (block ${result.blockNumber}): wall ${wallMs.toFixed(0)} ms; sites ${result.datasets.map((d, i) => `${d.nodeId} ${siteMs[i]?.toFixed(0) ?? '?'} ms`).join(', ')}; ` +
          `overhead ${(wallMs - slowest).toFixed(0)} ms; pooled age: n=${age.count}, mean=${age.mean?.toFixed(4) ?? '?'}, sd=${age.sd?.toFixed(4) ?? '?'}`,
      );
      ratios.push(wallMs / slowest);
    }
    out(`analysis_overhead=${median(ratios).toFixed(3)}`);
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
