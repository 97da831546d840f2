#!/usr/bin/env node
// The README's test command. Installs dependencies if this is a fresh clone, builds (the start
// command's test runs the built services), runs every Jest suite, and ends with one plain line:
// `N passed, N failed, N skipped`. Extra arguments go to Jest (e.g. `npm test -- libs/messaging`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The alert rules' test (e2e/workspace/observability-rules.spec.ts) loads them in Prometheus' own
 * validator, promtool, from Debian's `prometheus` package: installed here when it is missing and
 * this runs as root with apt-get, as the start command installs nats-server. Debian would start the
 * Prometheus daemon on install; a policy-rc.d (Debian's switch for that) keeps it from starting.
 */
function ensurePromtool() {
  const onPath = (process.env.PATH ?? '').split(':').some((d) => existsSync(path.join(d, 'promtool')));
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (onPath || !isRoot || !existsSync('/usr/bin/apt-get')) return;
  process.stdout.write('promtool not found: installing it from the OS packages (apt-get install prometheus)\n');
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'prometheus'], { stdio: 'inherit', env });
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
}

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
}

if (!existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  if (run('npm', ['install', '--no-audit', '--no-fund']) !== 0) process.exit(1);
}
ensurePromtool();
if (run('npm', ['run', '--silent', 'build']) !== 0) {
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
}

// The console's browser tests drive Debian's Chromium (never a downloaded browser). Installed here when
// missing and this is a root shell on Debian; otherwise those tests skip with one line.
if (!existsSync('/usr/bin/chromium') && !process.env.CHROMIUM_BIN && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  const apt = (argv) => spawnSync('apt-get', argv, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 }).status;
  if (apt(['update', '-q']) !== 0 || apt(['install', '-y', '-q', '--no-install-recommends', 'chromium']) !== 0) {
    process.stdout.write('chromium could not be installed: the console\'s browser tests will be skipped\n');
  }
}

const outDir = mkdtempSync(path.join(os.tmpdir(), 'phdmf-jest-'));
const report = path.join(outDir, 'report.json');
const status = run(path.join(root, 'node_modules/.bin/jest'), ['--json', `--outputFile=${report}`, ...process.argv.slice(2)]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  skipped = r.numPendingTests + r.numTodoTests;
} else {
  failed = 1;
}
rmSync(outDir, { recursive: true, force: true });
process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(status !== 0 || failed > 0 || passed === 0 ? 1 : 0);
