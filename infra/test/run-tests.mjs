#!/usr/bin/env node
// The README's test command. Installs dependencies if this is a fresh clone, builds (the start
// command's test runs the built services), runs every Jest suite, and ends with one plain line:
// `N passed, N failed, N skipped`. Extra arguments go to Jest (e.g. `npm test -- libs/messaging`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
}

if (!existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  if (run('npm', ['install', '--no-audit', '--no-fund']) !== 0) process.exit(1);
}
// R (Debian's r-base-core) is the statistics tests' reference (libs/modelling, e2e/analysis/models):
// installed from the OS packages when missing and this runs as root on Debian/Ubuntu; otherwise those
// tests skip, and say so.
if (spawnSync('Rscript', ['--version']).status !== 0) {
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    process.stdout.write('Rscript not found: installing r-base-core from the OS packages (the statistics tests\' reference)\n');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'r-base-core'], { stdio: 'inherit', env });
  } else {
    process.stdout.write('Rscript not found: the tests against R skip (install it with: sudo apt-get install r-base-core)\n');
  }
}
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
