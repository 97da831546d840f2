// bench/storage: the storage node under a large CSV, against the tools it is built on, in the same run.
//
//   1. generates CSVs of BENCH_STORAGE_MB (default 200) and half that size in a temp dir;
//   2. starts nats-server, the ledger service and a storage node (each its own process, from dist/);
//   3. uploads both files through the node's local API, sampling the node's RSS every 20 ms
//      (peak memory must stay flat as the file doubles: nothing is buffered whole);
//   4. hash throughput: the node's integrity audit (re-hash of every stored file) against
//      `openssl dgst -sha256` over the same files, page cache warm for both;
//   5. summary throughput (rows/s): an authorized summary request on NATS (grant check on the ledger,
//      re-hash, DuckDB, disclosure control, signature) against the same aggregates computed by DuckDB
//      directly on the same file with the same number of threads.
//   6. upload vs hash: the best of three more uploads of the full file, the node warm (the first upload of a
//      file that size, in step 3, is not among them), against the node's own hash rate (the audit);
//      each prints where the CPU went (the node's threads, the client's process, the cores);
//      every upload is sent by a client process of its own (bench/support/upload-client.ts) and timed by it;
//   7. the yardsticks: the same client sending the same file to a Node HTTP server that only receives it
//      (receive-only.ts), the most an upload through Node's HTTP server can reach on this machine; and the
//      same file written durably by `dd` (direct, fsynced) into the node's data directory, the most its disk allows.
// Last lines: storage_hash_vs_openssl=<ratio> (goal ≥ 0.9), storage_receive_only_vs_hash=<ratio> and
// storage_direct_write_vs_hash=<ratio> (no goal: the yardsticks), then storage_upload_vs_hash=<ratio> (goal ≥ 0.33).
import 'reflect-metadata';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { appendFileSync, copyFileSync, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { connect } from 'nats';
import { generateSigningKey, issueAccessToken } from '@phdmf/auth';
import { LedgerAdmitMember, LedgerGrantAccess, LedgerListMembers, LedgerRequestAccess, StorageSummarize } from '@phdmf/contracts';
import { createLogger } from '@phdmf/logging';
import { MessageBus, provisionEventStream } from '@phdmf/messaging';
import { freePort, TestNatsServer } from '@phdmf/testing';
import { cpuSeconds, minorFaults, runNode, runNodeToEnd, stopChild } from '../support/node-process';
import { uploadCsv } from '../support/site-upload';

const MB = 1024 * 1024;
const SIZE_MB = Number(process.env.BENCH_STORAGE_MB ?? 200);
const THREADS = Number(process.env.BENCH_DUCKDB_THREADS ?? 2);
const ROOT = path.resolve(__dirname, '../../..');
const DIST = path.join(ROOT, 'dist');
const out = (line: string) => process.stdout.write(`${line}\n`);

/** Writes a synthetic patients CSV of at least `bytes` bytes; returns its row count. */
async function generate(file: string, bytes: number): Promise<number> {
  const ws = createWriteStream(file, { highWaterMark: 4 * MB });
  ws.write('id,age,sex,visit,bmi,sbp,site\n');
  let written = 0;
  let rows = 0;
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  while (written < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      rows++;
      const age = rnd() < 0.02 ? '' : String(18 + Math.floor(rnd() * 70));
      lines.push(`${rows},${age},${rnd() < 0.5 ? 'F' : 'M'},2024-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')},${(16 + rnd() * 20).toFixed(2)},${Math.floor(90 + rnd() * 80)},S${Math.floor(rnd() * 40)}`);
    }
    const chunk = `${lines.join('\n')}\n`;
    written += chunk.length;
    if (!ws.write(chunk)) {
      await new Promise<void>((resolve) => {
        ws.once('drain', () => {
          resolve();
        });
      });
    }
  }
  await new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.end(() => {
      resolve();
    });
  });
  return rows;
}

/** A built entry point under dist/, as a child process (bench/support/node-process.ts keeps the tail of its output). */
function start(entry: string, env: Record<string, string>): { child: ChildProcess; log: () => string } {
  const node = runNode(path.join(DIST, entry), { ...process.env, ...env }, [], ROOT);
  return { child: node.process, log: node.output };
}

/** Runs a built entry point (a migration) to its end; its output is kept for the error if it fails. */
function runToEnd(entry: string, env: Record<string, string>): Promise<void> {
  return runNodeToEnd(path.join(DIST, entry), { ...process.env, ...env }, 'capture', entry, ROOT);
}

/** Samples a process's resident set size; `peak()` is the highest seen since the last `reset()`. */
function rssSampler(pid: number): { reset: () => void; peak: () => number; stop: () => void } {
  let peak = 0;
  const read = () => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m?.[1]) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // The process is gone.
    }
  };
  const timer = setInterval(read, 20);
  read();
  return {
    reset: () => {
      peak = 0;
      read();
    },
    peak: () => peak,
    stop: () => {
      clearInterval(timer);
    },
  };
}

/** CPU seconds of each thread of a process, by thread id (Linux). */
function threadSeconds(pid: number | undefined): Map<number, number> {
  const threads = new Map<number, number>();
  try {
    for (const tid of readdirSync(`/proc/${String(pid)}/task`)) threads.set(Number(tid), cpuSeconds(pid, Number(tid)));
  } catch {
    // not Linux, or the process went away
  }
  return threads;
}

/** Seconds all cores were busy and seconds in all, since boot (/proc/stat's first line without its guest columns, which user already counts; Linux). */
function machineSeconds(): { busy: number; total: number } {
  try {
    const ticks = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
    const total = ticks.reduce((sum, t) => sum + t, 0);
    return { busy: (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / 100, total: total / 100 };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

async function post(url: string, token: string): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function timed<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const value = await work();
  return [value, Number(process.hrtime.bigint() - t0) / 1e9];
}

/** The best of three uploads of `file` to receive-only.ts (in its own process, as the node is): seconds, and the CPU of its server and of the client process. */
async function receiveOnly(file: string, token: string): Promise<{ secs: number; serverMs: number; clientMs: number }> {
  const port = await freePort();
  const server = runNode(path.join(__dirname, 'receive-only.js'), { ...process.env, PORT: String(port) });
  try {
    for (let i = 0; !server.output().includes('listening'); i++) {
      if (i > 300 || server.process.exitCode !== null) throw new Error(`receive-only server did not start\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    let best = { secs: Infinity, serverMs: 0, clientMs: 0 };
    for (let i = 0; i < 3; i++) {
      const before = cpuSeconds(server.process.pid);
      const answer = await uploadCsv(`http://127.0.0.1:${String(port)}/datasets`, token, file);
      if (answer.status !== 201 || (JSON.parse(answer.body) as { bytes: number }).bytes !== statSync(file).size) throw new Error(`receive-only: ${answer.status} ${answer.body}`);
      if (answer.secs < best.secs) best = { secs: answer.secs, serverMs: (cpuSeconds(server.process.pid) - before) * 1000, clientMs: answer.cpuMs };
    }
    return best;
  } finally {
    await stopChild(server.process);
  }
}

/**
 * The other yardstick: the best of three durable writes of `file` into `dir` (the node's data directory) by
 * `dd` in 4 MiB blocks, direct, fsynced at the end — what this disk allows an upload, whatever the node does.
 * Seconds, or undefined where the file system refuses direct I/O (the node then writes through the page
 * cache). Each write goes to a file of its own, removed at the end: freeing 200 MiB costs the next fsync.
 */
function directWrite(file: string, dir: string): number | undefined {
  const targets = [0, 1, 2].map((i) => path.join(dir, `direct-write-${i}.tmp`));
  try {
    return Math.min(
      ...targets.map((target) => {
        const t0 = process.hrtime.bigint();
        execFileSync('dd', [`if=${file}`, `of=${target}`, 'bs=4M', 'oflag=direct', 'conv=fsync'], { stdio: 'ignore' });
        return Number(process.hrtime.bigint() - t0) / 1e9;
      }),
    );
  } catch {
    return undefined;
  } finally {
    for (const target of targets) rmSync(target, { force: true });
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phdmf-bench-storage-'));
  const nats = await TestNatsServer.start({ provision: provisionEventStream });
  const procs: ChildProcess[] = [];
  // The storage node's output, shown if the run fails (a request that fails says nothing of why).
  let storage: { child: ChildProcess; log: () => string } | undefined;
  try {
    const small = path.join(dir, 'half.csv');
    const large = path.join(dir, 'full.csv');
    const smallRows = await generate(small, (SIZE_MB / 2) * MB);
    const largeRows = await generate(large, SIZE_MB * MB);
    // The three later uploads send new bytes, as a site's next extract would: the full file with one row
    // more. The same bytes again would replace the stored copy, and ext4 frees the old 200 MiB within the
    // rename (80-100 ms, measured): that is the cost of re-uploading a file, not of uploading one.
    const later = [1, 2, 3].map((i) => {
      const file = path.join(dir, `full-${i}.csv`);
      copyFileSync(large, file);
      appendFileSync(file, `${largeRows + i},50,F,2024-01-01,20.00,120,S1\n`);
      return file;
    });
    // Written out now, so that the kernel's write-back of the files does not run during the uploads.
    execFileSync('sync');
    out(`files: ${(statSync(small).size / MB).toFixed(1)} MiB (${smallRows} rows), ${(statSync(large).size / MB).toFixed(1)} MiB (${largeRows} rows)`);

    // The consortium: ledger service, one admitted member with its node key, its storage node.
    const ledgerEnv = { NATS_URL: nats.url, PHDMF_DATA_DIR: path.join(dir, 'ledger'), LOG_LEVEL: 'warn', LEDGER_VERIFY_ON_START: 'false' };
    await runToEnd('apps/ledger/src/migrate.js', ledgerEnv);
    const ledger = start('apps/ledger/src/main.js', ledgerEnv);
    procs.push(ledger.child);
    const nc = await connect({ servers: nats.url });
    const bus = new MessageBus(nc, { service: 'api-gateway', servers: [nats.url], requestTimeoutMs: 120_000, logger: createLogger({ service: 'bench', level: 'silent' }) });
    const admin = { userId: 'bench-admin', roles: ['consortium-admin'] };
    for (let i = 0; ; i++) {
      try {
        await bus.request(LedgerListMembers.CONTRACT, {}, { actor: admin, timeoutMs: 1_000 });
        break;
      } catch (error) {
        if (i > 200) throw new Error(`ledger did not start: ${String(error)}\n${ledger.log()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyFile = path.join(dir, 'node-key.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    await bus.request(
      LedgerAdmitMember.CONTRACT,
      { memberId: 'bench-hospital', name: 'Bench hospital', mspId: 'BenchMSP', nodeId: 'bench-node', nodePublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), endpoint: 'https://bench.example.org' },
      { actor: admin },
    );
    const tokenKey = await generateSigningKey();
    const jwksFile = path.join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [tokenKey.publicJwk] }));
    const port = await freePort();
    const storageEnv = {
      NATS_URL: nats.url,
      PHDMF_DATA_DIR: path.join(dir, 'site'),
      LOG_LEVEL: 'warn',
      NODE_ID: 'bench-node',
      ORGANISATION_ID: 'bench-hospital',
      NODE_PRIVATE_KEY_FILE: keyFile,
      JWT_ISSUER: 'bench',
      JWT_AUDIENCE: 'phdmf',
      ACCOUNTS_JWKS_FILE: jwksFile,
      HTTP_PORT: String(port),
      AUDIT_INTERVAL_MINUTES: '0',
      DUCKDB_THREADS: String(THREADS),
      UPLOAD_MAX_BYTES: String(4 * SIZE_MB * MB),
      NATS_REQUEST_TIMEOUT_MS: '120000',
    };
    await runToEnd('apps/data-storage/src/migrate.js', storageEnv);
    const node = start('apps/data-storage/src/main.js', storageEnv);
    procs.push(node.child);
    storage = node;
    const base = `http://127.0.0.1:${port}`;
    const token = await issueAccessToken(tokenKey, { issuer: 'bench', audience: 'phdmf', userId: 'bench-admin-1', organisationId: 'bench-hospital', roles: ['institution-admin'], ttlSeconds: 3600 });
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/datasets`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 300) throw new Error(`storage node did not start\n${node.log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const rss = rssSampler(node.child.pid ?? 0);
    const idleRss = rss.peak();

    // Uploads: memory must not grow with the file.
    rss.reset();
    const smallUp = await uploadCsv(`${base}/datasets?name=half&fileName=half.csv`, token, small);
    const smallPeak = rss.peak();
    rss.reset();
    const largeUp = await uploadCsv(`${base}/datasets?name=full&fileName=full.csv`, token, large);
    const largePeak = rss.peak();
    if (smallUp.status !== 201 || largeUp.status !== 201) throw new Error(`upload failed: ${smallUp.status} ${smallUp.body.slice(0, 300)} / ${largeUp.status} ${largeUp.body.slice(0, 300)}`);
    const largeId = (JSON.parse(largeUp.body) as { datasetId: string }).datasetId;
    out(`upload (stream, hash, validate, infer types, fsync, ledger commit): ${(statSync(small).size / MB / smallUp.secs).toFixed(0)} MiB/s half, ${(statSync(large).size / MB / largeUp.secs).toFixed(0)} MiB/s full`);

    // Hashing: the node's audit re-hashes both files; openssl hashes the same two files.
    const files = [small, large];
    const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
    const opensslRun = () =>
      timed(() => {
        for (const f of files) execFileSync('openssl', ['dgst', '-sha256', f], { stdio: 'ignore' });
      });
    await opensslRun();
    let bestOpenssl = Infinity;
    let bestAudit = Infinity;
    rss.reset();
    for (let i = 0; i < 3; i++) {
      bestOpenssl = Math.min(bestOpenssl, (await opensslRun())[1]);
      const [report, secs] = await timed(() => post(`${base}/audit`, token) as Promise<{ bytesHashed: number; mismatches: unknown[] }>);
      if (report.bytesHashed !== bytes || report.mismatches.length > 0) throw new Error(`audit hashed ${report.bytesHashed} of ${bytes} bytes, mismatches ${report.mismatches.length}`);
      bestAudit = Math.min(bestAudit, secs);
    }
    const auditPeak = rss.peak();
    const hashRatio = bestOpenssl / bestAudit;
    const auditMiBs = bytes / MB / bestAudit;
    out(`hash: node audit ${auditMiBs.toFixed(0)} MiB/s, openssl dgst -sha256 ${(bytes / MB / bestOpenssl).toFixed(0)} MiB/s`);

    // Summaries: authorized request on NATS vs DuckDB directly, same aggregates, same threads.
    const requester = 'bench-researcher';
    const requestId = `rq-${randomUUID()}`;
    const columns = ['age', 'bmi', 'sbp'];
    const statistics = ['count', 'missing', 'sum', 'mean', 'variance', 'min', 'max'] as const;
    await bus.request(
      LedgerRequestAccess.CONTRACT,
      { requestId, datasetId: largeId, requester, purpose: 'bench', columns, statistics: [...statistics], requestedExpiry: new Date(Date.now() + 3_600_000).toISOString() },
      { actor: { userId: 'authorization', roles: ['service'] } },
    );
    await bus.request(LedgerGrantAccess.CONTRACT, { requestId, operator: 'bench-admin-1' }, { actor: { userId: 'bench-admin-1', organisationId: 'bench-hospital', roles: ['institution-admin'] } });
    const summarize = () =>
      bus.request(StorageSummarize.contractFor('bench-node'), { analysisId: `an-${randomUUID()}`, datasetId: largeId, requester, columns, statistics: [...statistics] }, { actor: { userId: 'aggregation', roles: ['service'] } });
    const duck = await DuckDBInstance.create(':memory:', { threads: String(THREADS) });
    const conn = await duck.connect();
    const directSql = `SELECT count(*), ${columns.map((c) => `count(${c}), sum(${c}), avg(${c}), var_samp(${c}), min(${c}), max(${c})`).join(', ')} FROM read_csv('${large}', header = true)`;
    await summarize();
    await conn.runAndReadAll(directSql);
    let bestNode = Infinity;
    let bestDirect = Infinity;
    rss.reset();
    // Best of 7, alternating, so that load from anything else on the machine hits both alike.
    for (let i = 0; i < 7; i++) {
      bestNode = Math.min(bestNode, (await timed(summarize))[1]);
      bestDirect = Math.min(bestDirect, (await timed(() => conn.runAndReadAll(directSql)))[1]);
    }
    const summaryPeak = rss.peak();
    conn.closeSync();
    duck.closeSync();
    const summaryRatio = bestDirect / bestNode;
    out(`summary of ${columns.length} columns x ${statistics.length} statistics: node ${(largeRows / bestNode / 1e6).toFixed(2)} M rows/s (grant check + re-hash + DuckDB + disclosure + signature), DuckDB direct ${(largeRows / bestDirect / 1e6).toFixed(2)} M rows/s`);
    out(`node RSS: idle ${(idleRss / MB).toFixed(0)} MiB; peak during upload ${(smallPeak / MB).toFixed(0)} MiB (${(statSync(small).size / MB).toFixed(0)} MiB file) vs ${(largePeak / MB).toFixed(0)} MiB (${(statSync(large).size / MB).toFixed(0)} MiB file); audit ${(auditPeak / MB).toFixed(0)} MiB; summary ${(summaryPeak / MB).toFixed(0)} MiB`);
    // Three more uploads of the full file (new datasets, each with one row more: see `later`; after the
    // audit, which hashes every version): the best of them is the upload rate. The first upload of the full
    // file is not among them: a node's first upload that large also pays for its start (the code's first
    // optimisation, the upload buffers' first pages), 10-40 % slower than the next ones here, which a
    // site's node, running for months, pays once.
    // Each with where the CPU went: the node's threads, the client's process (its work and, on loopback,
    // the kernel's TCP work for both ends), how busy the machine's cores were (the client process's
    // start included), and the node's page faults: the first upload after the summaries pays ~5,000 of
    // them (~20 MiB), because DuckDB, 0.5 s after its threads went idle, has glibc give back the free
    // memory of the whole process (malloc_trim), where Node's HTTP parser allocates each piece of a body.
    let uploadMiBs = 0;
    for (let i = 0; i < later.length; i++) {
      const before = { threads: threadSeconds(node.child.pid), machine: machineSeconds(), faults: minorFaults(node.child.pid) };
      const again = await uploadCsv(`${base}/datasets?name=full-${i + 1}&fileName=full-${i + 1}.csv`, token, later[i] as string);
      if (again.status !== 201) throw new Error(`upload failed: ${again.status} ${again.body.slice(0, 300)}`);
      uploadMiBs = Math.max(uploadMiBs, statSync(later[i] as string).size / MB / again.secs);
      const threads = [...threadSeconds(node.child.pid)].map(([tid, cpu]) => cpu - (before.threads.get(tid) ?? 0)).filter((cpu) => cpu >= 0.02).sort((a, b) => b - a);
      const machine = machineSeconds();
      out(
        `upload ${(again.secs * 1000).toFixed(0)} ms, CPU: node threads ${threads.map((cpu) => (cpu * 1000).toFixed(0)).join(' + ')} ms, ` +
          `client ${again.cpuMs.toFixed(0)} ms; cores busy ${((machine.busy - before.machine.busy) * 1000).toFixed(0)} of ${((machine.total - before.machine.total) * 1000).toFixed(0)} ms; ` +
          `node page faults ${minorFaults(node.child.pid) - before.faults}`,
      );
    }
    out(`upload, best of ${later.length} later uploads of the full file: ${uploadMiBs.toFixed(0)} MiB/s (node audit hash ${auditMiBs.toFixed(0)} MiB/s)`);
    // The yardstick: the same client, the same file, to a Node HTTP server that only receives it.
    const received = await receiveOnly(large, token);
    const receiveMiBs = statSync(large).size / MB / received.secs;
    out(
      `receiving alone (receive-only.ts: the body read and dropped), best of 3: ${receiveMiBs.toFixed(0)} MiB/s, CPU: server ${received.serverMs.toFixed(0)} ms, ` +
        `client ${received.clientMs.toFixed(0)} ms; the upload is ${(uploadMiBs / receiveMiBs).toFixed(2)} of it`,
    );
    const writeSecs = directWrite(large, storageEnv.PHDMF_DATA_DIR);
    const written = writeSecs === undefined ? undefined : statSync(large).size / MB / writeSecs;
    out(
      written === undefined
        ? "direct write: the node's data directory refuses direct I/O (dd oflag=direct failed); no disk yardstick"
        : `direct write (dd bs=4M oflag=direct conv=fsync into the node's data directory), best of 3: ${written.toFixed(0)} MiB/s; the upload is ${(uploadMiBs / written).toFixed(2)} of it`,
    );
    out(`storage_peak_rss_growth_full_vs_half=${(largePeak / smallPeak).toFixed(3)}`);
    out(`storage_summary_vs_duckdb=${summaryRatio.toFixed(3)}`);
    rss.stop();
    await nc.drain();
    out(`storage_hash_vs_openssl=${hashRatio.toFixed(3)}`);
    out(`storage_receive_only_vs_hash=${(receiveMiBs / auditMiBs).toFixed(3)}`);
    if (written !== undefined) out(`storage_direct_write_vs_hash=${(written / auditMiBs).toFixed(3)}`);
    out(`storage_upload_vs_hash=${(uploadMiBs / auditMiBs).toFixed(3)}`);
  } catch (error) {
    if (storage) {
      const { exitCode, signalCode } = storage.child;
      process.stderr.write(`storage node (exit code ${String(exitCode)}, signal ${String(signalCode)}), its output's tail:\n${storage.log()}\n`);
    }
    if (error instanceof Error && error.cause !== undefined) process.stderr.write(`cause: ${error.cause instanceof Error ? error.cause.message : JSON.stringify(error.cause)}\n`);
    throw error;
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await nats.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
