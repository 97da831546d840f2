// bench/modelling: a federated logistic regression over three storage sites, against the same IRLS
// on the concatenated records in one process, with the same engine, in the same run.
//
//   1. generates three synthetic cohorts of BENCH_MODELLING_ROWS rows each (default 1,000,000): a 0/1
//      outcome, six numeric covariates and two categorical ones (8 covariates, 9 parameters);
//   2. starts nats-server, the ledger service, three storage nodes and the aggregation service, each
//      its own process from dist/ (bench/support/site-stack), releases each cohort at its site and
//      grants the researcher `glm` over its columns;
//   3. fits the model through the aggregation service (AggregationRunModel, kind glm): the sites'
//      sessions (grant check, re-hash, disclosure checks), an IRLS step at every site per iteration
//      in parallel (DuckDB, glmStepSql), signatures verified, the null deviance in closed form from
//      the sites' null terms (as R without an offset), the on-chain record;
//   4. fits the same model in this process with the same engine: libs/modelling's fitGlm over one
//      DuckDB table of the three files (the rows loaded once, as a site loads its own), every step
//      glmStepSql, the null deviance from the same closed form, BENCH_DUCKDB_THREADS threads
//      (BENCH_SITE_DUCKDB_THREADS at each site, the same unless set).
// Before the last line: where the federated wall went (per site: the open's phases, the steps' compute
// and their round trips) and both sides' CPU time (robust to the load other sessions put on the machine).
// The coefficients must agree to 1e-8 relative. Last line: glm_vs_central=<federated / central wall> (goal ≤ 1.5).
import 'reflect-metadata';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { AggregationRunModel, type LedgerColumnType, type LedgerStatistic } from '@phdmf/contracts';
import { fitGlm, glmNullFromRow, glmNullSql, glmStepFromRow, glmStepSql, parameterNames, parseGlmModel, type DatasetSchema, type GlmModel } from '@phdmf/modelling';
import { grantAt, releaseAt, startSiteStack, waitFor } from '../support/site-stack';

const MB = 1024 * 1024;
const ROWS = Number(process.env.BENCH_MODELLING_ROWS ?? 1_000_000);
const THREADS = Number(process.env.BENCH_DUCKDB_THREADS ?? 2);
// Each site's DuckDB threads: the sites share this machine's cores, as the central fit has them to itself.
const SITE_THREADS = Number(process.env.BENCH_SITE_DUCKDB_THREADS ?? THREADS);
const SITES = ['a', 'b', 'c'] as const;
const out = (line: string) => process.stdout.write(`${line}\n`);

const COLUMNS = ['id', 'y', 'age', 'bmi', 'sbp', 'chol', 'glucose', 'hr', 'sex', 'smoker'];
const TYPES: LedgerColumnType[] = ['numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'categorical', 'categorical'];
const MODEL = {
  family: 'binomial',
  outcome: 'y',
  covariates: ['age', 'bmi', 'sbp', 'chol', 'glucose', 'hr', 'sex', 'smoker'],
  levels: { sex: ['F', 'M'], smoker: ['no', 'yes'] },
} as const;

/** A cohort with a logistic outcome in all eight covariates (a deterministic generator per site). */
async function generate(file: string, rows: number, seed: number): Promise<void> {
  const ws = createWriteStream(file, { highWaterMark: 4 * MB });
  ws.write(`${COLUMNS.join(',')}\n`);
  let s = seed * 2654435761;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let done = 0; done < rows; ) {
    const lines: string[] = [];
    for (let i = 0; i < 20_000 && done < rows; i++, done++) {
      const age = 20 + Math.floor(rnd() * 60);
      const bmi = 18 + rnd() * 20;
      const sbp = 95 + rnd() * 70;
      const chol = 3 + rnd() * 5;
      const glucose = 4 + rnd() * 5;
      const hr = 50 + rnd() * 50;
      const male = rnd() < 0.5;
      const smoker = rnd() < 0.3;
      const eta = -12 + 0.05 * age + 0.12 * bmi + 0.01 * sbp + 0.1 * chol + 0.3 * glucose + 0.005 * hr + (male ? 0.3 : 0) + (smoker ? 0.5 : 0);
      const y = rnd() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
      lines.push(`${done + 1},${y},${age},${bmi.toFixed(2)},${sbp.toFixed(1)},${chol.toFixed(2)},${glucose.toFixed(2)},${hr.toFixed(0)},${male ? 'M' : 'F'},${smoker ? 'yes' : 'no'}`);
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

/** The same IRLS in this process: one DuckDB table of every file, each step one glmStepSql query. */
async function central(files: readonly string[], model: GlmModel, schema: DatasetSchema): Promise<{ wallMs: number; coefficients: number[]; nullDeviance: number; iterations: number }> {
  const t0 = performance.now();
  const duck = await DuckDBInstance.create(':memory:', { threads: String(THREADS) });
  const conn = await duck.connect();
  try {
    const types = COLUMNS.map((c, i) => `'${c}': '${TYPES[i] === 'numeric' ? 'DOUBLE' : 'VARCHAR'}'`).join(', ');
    await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv([${files.map((f) => `'${f}'`).join(', ')}], header = true, columns = {${types}})`);
    // The null deviance as R computes it without an offset (and as the sites' null terms give it): at the mean.
    const nq = glmNullSql(model, schema, 't');
    const nullTerms = [glmNullFromRow((await conn.runAndReadAll(nq.sql, nq.params)).getRows()[0] ?? [])];
    const fit = await fitGlm(model, [
      async (m, beta) => {
        const { sql, params } = glmStepSql(m, schema, 't', beta);
        const reader = await conn.runAndReadAll(sql, params);
        const step = glmStepFromRow(parameterNames(m).length, reader.getRows()[0] ?? []);
        // A binomial model's AIC terms are its deviance (its aicOffset is 0).
        return { ...step, aicTerms: step.deviance };
      },
    ], { nullTerms });
    return { wallMs: performance.now() - t0, coefficients: fit.coefficients.map((c) => c.estimate), nullDeviance: fit.nullDeviance, iterations: fit.iterations };
  } finally {
    conn.closeSync();
    duck.closeSync();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phdmf-bench-modelling-'));
  const files = SITES.map((s) => path.join(dir, `cohort-${s}.csv`));
  for (const [i, file] of files.entries()) await generate(file, ROWS, i + 1);
  out(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${os.cpus().length} cores`);
  out(`cohorts: ${SITES.length} × ${ROWS} rows (${files.map((f) => (statSync(f).size / MB).toFixed(1)).join(', ')} MiB); logistic model, ${MODEL.covariates.length} covariates`);
  const schema: DatasetSchema = { columns: COLUMNS, columnTypes: TYPES };
  const model = parseGlmModel(MODEL, schema);
  // Info logs: the aggregation's `glm timings` and each site's `model session opened` phases (the breakdown).
  const stack = await startSiteStack(dir, SITES, { duckdbThreads: SITE_THREADS, aggregationEnv: { LOG_LEVEL: 'info' }, siteEnv: { LOG_LEVEL: 'info' } });
  try {
    const { bus, sites } = stack;
    const researcher = { userId: 'bench-researcher', roles: ['researcher'] };
    const statistics: LedgerStatistic[] = ['glm'];
    const datasets: string[] = [];
    for (const [i, site] of sites.entries()) {
      const datasetId = await releaseAt(site, files[i] ?? '', `cohort-${SITES[i] ?? i}`);
      datasets.push(datasetId);
      await grantAt(bus, site, { datasetId, requester: researcher.userId, columns: COLUMNS.slice(1), statistics });
    }
    const request: AggregationRunModel.Payload = { kind: 'glm', datasets, glm: JSON.parse(JSON.stringify(MODEL)) as AggregationRunModel.GlmSpec };
    const federated = async () => {
      const t0 = performance.now();
      const result = await bus.request(AggregationRunModel.CONTRACT, request, { actor: researcher, timeoutMs: 900_000 });
      return { result, wallMs: performance.now() - t0 };
    };
    // Warm-up (each process's first model), then the measured fit.
    await waitFor('aggregation service', async () => (await federated()).result.glm !== undefined, stack.aggregationLog);
    // The stack's CPU while idle (timers, pollers, heartbeats): under load the fit's wall stretches and
    // this background with it, so the fit's CPU is also given without it.
    const idle0 = stack.cpuMillis();
    await new Promise((r) => setTimeout(r, 5_000));
    const idlePerSecond = (Object.values(stack.cpuMillis()).reduce((a, b) => a + b, 0) - Object.values(idle0).reduce((a, b) => a + b, 0)) / 5;
    const cpu0 = stack.cpuMillis();
    const { result, wallMs } = await federated();
    const cpu1 = stack.cpuMillis();
    const cpuOf = Object.fromEntries(Object.entries(cpu1).map(([name, ms]) => [name, ms - (cpu0[name] ?? NaN)]));
    const federatedCpu = Object.values(cpuOf).reduce((a, b) => a + b, 0);
    // The services log asynchronously: their lines may arrive a moment after the answer.
    for (let i = 0; i < 50 && !stack.aggregationLog().includes(`"msg":"glm timings"`); i++) await new Promise((r) => setTimeout(r, 100));
    const breakdown = breakdownOf(result.analysisId, stack.aggregationLog(), sites.map((site) => site.log()), datasets);
    const own0 = process.cpuUsage();
    const one = await central(files, model, schema);
    const own = process.cpuUsage(own0);
    const centralCpu = (own.user + own.system) / 1000;
    const fit = result.glm;
    if (fit === undefined) throw new Error('no fit');
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
    const worst = Math.max(rel(fit.nullDeviance, one.nullDeviance), ...fit.coefficients.map((c, j) => rel(c.estimate, one.coefficients[j] ?? NaN)));
    out(`federated ${result.analysisId} (block ${result.blockNumber}): ${fit.iterations} iterations (null deviance in closed form), wall ${wallMs.toFixed(0)} ms`);
    out(`central (one process, one DuckDB table of ${fit.n} records, load included): ${one.iterations} iterations, wall ${one.wallMs.toFixed(0)} ms`);
    out(`coefficients: ${fit.coefficients.map((c) => `${c.name}=${c.estimate.toPrecision(6)}`).join(' ')}; null deviance ${fit.nullDeviance.toPrecision(10)}; worst relative difference ${worst.toExponential(2)}`);
    for (const line of breakdown) out(line);
    // CPU time does not depend on how loaded the machine is the way walls do (other sessions share it).
    out(`CPU time: federated ${federatedCpu.toFixed(0)} ms (${Object.entries(cpuOf).map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ')}), central ${centralCpu.toFixed(0)} ms; cpu_ratio=${(federatedCpu / centralCpu).toFixed(3)}`);
    const background = (idlePerSecond * wallMs) / 1000;
    out(`  the stack idles at ${idlePerSecond.toFixed(0)} ms CPU a second: without that background over the fit's wall, federated ${(federatedCpu - background).toFixed(0)} ms, cpu_ratio_busy=${((federatedCpu - background) / centralCpu).toFixed(3)}`);
    out(`central: ${SITE_THREADS === THREADS ? '' : `${THREADS} DuckDB threads (each site ${SITE_THREADS}); `}load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    if (!(worst <= 1e-8)) throw new Error(`the federated fit differs from the central one by ${worst}`);
    out(`glm_vs_central=${(wallMs / one.wallMs).toFixed(3)}`);
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A pino line's fields, or undefined for any other output. */
function logLine(line: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the federated wall went, from the aggregation's `glm timings` (per site: the open's and the
 * steps' round trips and the site's signed compute; the record) and each site's `model session
 * opened` (the open's phases; the re-hash runs alongside them).
 */
function breakdownOf(analysisId: string, aggregationLog: string, siteLogs: readonly string[], datasets: readonly string[]): string[] {
  const lines = (log: string, msg: string) => log.split('\n').map(logLine).filter((l) => l?.msg === msg && l.analysisId === analysisId);
  const timings = lines(aggregationLog, 'glm timings')[0];
  if (timings === undefined) return ['breakdown: no `glm timings` line in the aggregation log'];
  const n = (v: unknown) => (typeof v === 'number' ? v : NaN);
  const sites = timings.sites as Record<string, Record<string, number>>;
  const out = [`breakdown (ms): prepare (schemas, grant clearance) ${n(timings.prepareMillis)}, fit ${n(timings.fitMillis)}, on-chain record and store ${n(timings.recordMillis)}`];
  datasets.forEach((id, i) => {
    const t = sites[id] ?? {};
    const open = lines(siteLogs[i] ?? '', 'model session opened')[0] ?? {};
    const rt = n(t.stepRoundTrips);
    const compute = n(t.stepCompute);
    out.push(
      `  site ${SITES[i] ?? i}: open ${n(t.openRoundTrip)} (site ${n(t.openCompute)}: snapshot and row count ${n(open.snapshotMillis)}, release checks ${n(open.releaseChecksMillis)}, null terms ${n(open.nullTermsMillis)}, re-hash alongside); ` +
        `${n(t.steps)} steps ${rt} (site compute ${compute}, ${(compute / n(t.steps)).toFixed(0)} each; NATS, JSON, signing and verifying ${(rt - compute).toFixed(0)})`,
    );
  });
  return out;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
