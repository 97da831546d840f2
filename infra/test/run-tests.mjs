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
 * The Debian packages some suites test against, installed when missing and this runs as root with
 * apt-get (as the start command installs nats-server); otherwise those suites skip and say why.
 * Debian would start a daemon a package brings (Prometheus) on install: a policy-rc.d, Debian's
 * switch for that, keeps it from starting while apt runs.
 */
const TEST_PACKAGES = [
  // The alert rules' validator (e2e/workspace/observability-rules.spec.ts).
  { command: 'promtool', pkg: 'prometheus', why: 'the alert rules\' validator' },
  // The statistics tests' reference (libs/modelling, e2e/analysis/models).
  { command: 'Rscript', pkg: 'r-base-core', why: 'the statistics tests\' reference' },
  // The console's browser tests drive Debian's Chromium, never a downloaded browser.
  { command: 'chromium', pkg: 'chromium', why: 'the console\'s browser tests', skipIf: () => process.env.CHROMIUM_BIN !== undefined },
];

function ensureTestPackages() {
  const onPath = (command) => (process.env.PATH ?? '').split(':').some((d) => d !== '' && existsSync(path.join(d, command)));
  const missing = TEST_PACKAGES.filter((p) => !onPath(p.command) && !(p.skipIf?.() ?? false));
  if (missing.length === 0) return;
  const canInstall = typeof process.getuid === 'function' && process.getuid() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    for (const p of missing) process.stdout.write(`${p.command} not found: ${p.why} skip (install it with: sudo apt-get install ${p.pkg})\n`);
    return;
  }
  process.stdout.write(`installing from the OS packages: ${missing.map((p) => `${p.pkg} (${p.why})`).join(', ')}\n`);
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const apt = (argv) => spawnSync('apt-get', argv, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 }).status;
    if (apt(['update', '-q']) !== 0 || apt(['install', '-y', '-q', '--no-install-recommends', ...missing.map((p) => p.pkg)]) !== 0) {
      process.stdout.write(`could not install ${missing.map((p) => p.pkg).join(', ')}: the suites that need them skip\n`);
    }
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
ensureTestPackages();
if (run('npm', ['run', '--silent', 'build']) !== 0) {
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
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
