// R (Debian's r-base-core) as the tests' reference: a script gets JSON-free input through a CSV
// file and prints numbers, one per line. Tests that need R skip when Rscript is absent.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasR = spawnSync('Rscript', ['--version']).status === 0;

/** Runs an R script (printing 17 digits) with `data.csv` (the given CSV text, if any) in its working directory; its printed numbers. */
export function runR(script: string, csv?: string): number[] {
  return runRText(script, csv)
    .split(/\s+/)
    .filter((s) => s !== '')
    .map(Number);
}

/** runR's output as text (a data set R ships, written as CSV, for instance). */
export function runRText(script: string, csv?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'phdmf-r-'));
  try {
    if (csv !== undefined) writeFileSync(join(dir, 'data.csv'), csv);
    writeFileSync(join(dir, 'script.R'), `options(digits = 17)\n${script}`);
    return execFileSync('Rscript', ['--vanilla', 'script.R'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Records as CSV text (missing values as NA, R's default). */
export function toCsv(columns: readonly string[], records: readonly Readonly<Record<string, number | string | null>>[]): string {
  const cell = (v: number | string | null | undefined) => (v === null || v === undefined ? 'NA' : String(v));
  return [columns.join(','), ...records.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

/** Relative difference, with an absolute floor for values near zero. */
export function relativeError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
