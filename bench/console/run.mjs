#!/usr/bin/env node
// bench/console: the web console's two goals, measured on this machine.
//   1. initial JavaScript, gzip: what index.html makes the browser load before the first page runs
//      (its module script and the chunks it preloads), each file gzipped at level 9, summed (goal ≤ 250 KB);
//   2. navigation → market usable: a signed-in researcher opens /market in headless Chromium (Debian's),
//      and the first dataset row of the demo data is on screen (median of BENCH_RUNS, default 7; goal ≤ 1.5 s).
// Against the system in PHDMF / PHDMF_DATA_DIR (`source .data/demo.env` after `npm start`), else it starts
// one itself (`up.mjs --no-install` in a temporary directory) and stops it after.
// Last line: console_initial_js_kb=<n>.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = path.join(root, 'dist', 'apps', 'web-console');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

function initialJsKb() {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const files = new Set([...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1]));
  let bytes = 0;
  for (const file of files) bytes += gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
  return { kb: bytes / 1024, files: [...files] };
}

async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startSystem() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'phdmf-bench-console-'));
  const ports = { http: await freePort(), nats: await freePort(), metrics: 47_900 + Math.floor(Math.random() * 50) * 6, sites: [await freePort(), await freePort(), await freePort()] };
  const env = { ...process.env, PHDMF_DATA_DIR: dataDir, HTTP_PORT: String(ports.http), PHDMF_NATS_PORT: String(ports.nats), PHDMF_METRICS_PORT: String(ports.metrics), STORAGE_HTTP_PORTS: ports.sites.join(','), LOG_LEVEL: 'warn' };
  delete env.STORAGE_HTTP_PORT;
  const child = spawn(process.execPath, [path.join(root, 'infra/local/up.mjs'), '--no-install'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 300_000;
  while (!output.includes('PHDMF_READY')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the start command did not come up:\n${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    edge: `http://127.0.0.1:${ports.http}`,
    dataDir,
    stop: async () => {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function marketUsableMs(edge, dataDir) {
  const { chromium } = require('playwright-core');
  const email = 'researcher@lab.example';
  const password = readFileSync(path.join(dataDir, 'keys', `${email}.password`), 'utf8').trim();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: edge });
    const page = await context.newPage();
    // Signed in once (the session cookie): each run is a fresh page load of /market with a live session.
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Data market' }).waitFor();
    const times = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const fresh = await context.newPage();
      const started = performance.now();
      await fresh.goto('/market', { waitUntil: 'commit' });
      await fresh.getByRole('table').getByRole('link').first().waitFor({ state: 'visible', timeout: 30_000 });
      const ms = performance.now() - started;
      if (i > 0) times.push(ms); // the first load fills the HTTP cache and JIT; the rest are what a person sees on return
      await fresh.close();
    }
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1] };
  } finally {
    await browser.close();
  }
}

if (!existsSync(path.join(dist, 'index.html'))) {
  process.stderr.write('dist/apps/web-console is missing: run npm run build first\n');
  process.exit(1);
}
const js = initialJsKb();
process.stdout.write(`initial JS files: ${js.files.join(', ')}\n`);
if (existsSync(CHROMIUM)) {
  const given = process.env.PHDMF && process.env.PHDMF_DATA_DIR ? { edge: process.env.PHDMF, dataDir: process.env.PHDMF_DATA_DIR, stop: async () => {} } : await startSystem();
  try {
    const t = await marketUsableMs(given.edge, given.dataDir);
    process.stdout.write(`navigation to market usable: median ${t.median.toFixed(0)} ms (min ${t.min.toFixed(0)}, max ${t.max.toFixed(0)}, ${RUNS} runs; goal ≤ 1500 ms)\n`);
    process.stdout.write(`console_market_usable_ms=${t.median.toFixed(0)}\n`);
  } finally {
    await given.stop();
  }
} else {
  process.stdout.write(`navigation timing skipped: no Chromium at ${CHROMIUM}\n`);
}
process.stdout.write(`initial JS (gzip): ${js.kb.toFixed(1)} KB (goal ≤ 250 KB)\n`);
process.stdout.write(`console_initial_js_kb=${js.kb.toFixed(1)}\n`);
